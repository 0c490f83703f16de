import { createPublicKey, createSecretKey, generateKeyPairSync, type KeyObject, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Test } from 'tap';
import { AuditLog, type AuditLogOptions } from '../../proxy/audit/index.js';
import { MemoryAuditStorage } from './memory-audit-storage.js';

/** TestAuditKeys are keys made in memory, so tests that are not about key files touch no disk. */
export interface TestAuditKeys {
  readonly hmacKey: KeyObject;
  readonly signingKey: KeyObject;
  readonly signingPublicKey: KeyObject;
}

/** testAuditKeys makes a fresh HMAC key and Ed25519 key pair. */
export function testAuditKeys(): TestAuditKeys {
  const { privateKey } = generateKeyPairSync('ed25519');
  return {
    hmacKey: createSecretKey(randomBytes(32)),
    signingKey: privateKey,
    signingPublicKey: createPublicKey(privateKey),
  };
}

/** FIXED_TIME is the start of the test clock; each record it stamps is one second later. */
export const FIXED_TIME = Date.parse('2026-11-21T03:00:00.000Z');

/** steppingClock returns a clock that moves one second per call, so records' times differ and are repeatable. */
export function steppingClock(start = FIXED_TIME): () => Date {
  let calls = 0;
  return () => new Date(start + 1000 * calls++);
}

/**
 * writeLog appends `count` records of alternating kinds to a new in-memory storage, closes the log (signing the
 * head) and returns the storage and keys.
 */
export async function writeLog(
  count: number,
  options: Partial<AuditLogOptions> = {},
): Promise<{ storage: MemoryAuditStorage; keys: TestAuditKeys }> {
  const keys = testAuditKeys();
  const storage = new MemoryAuditStorage();
  const log = await AuditLog.open(storage, { ...keys, now: steppingClock(), ...options });
  for (let index = 1; index <= count; index++) {
    await log.append(index % 2 === 0 ? 'decision' : 'forwarded', {
      call: index,
      agent: 'deploy-bot',
      tags: ['a', 'b'],
    });
  }
  await log.close();
  return { storage, keys };
}

/** tempStateDir makes a state directory path (not yet created) that is removed when the test ends. */
export function tempStateDir(t: Test): string {
  const parent = mkdtempSync(join(tmpdir(), 'airlock-audit-'));
  t.teardown(() => rmSync(parent, { recursive: true, force: true }));
  return join(parent, 'state');
}
