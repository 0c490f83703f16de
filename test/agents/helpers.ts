import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Test } from 'tap';
import { AgentRegistry, type AgentRegistryOptions } from '../../proxy/agents/index.js';

/** NO_KEY_ENV is an environment without AIRLOCK_SECRETS_KEY, so the key file in the state directory is used. */
export const NO_KEY_ENV: Readonly<Record<string, string | undefined>> = {};

/** tempStateDir makes a state directory path (not yet created) that is removed when the test ends. */
export function tempStateDir(t: Test): string {
  const parent = mkdtempSync(join(tmpdir(), 'airlock-agents-'));
  t.teardown(() => rmSync(parent, { recursive: true, force: true }));
  return join(parent, 'state');
}

/** openRegistry opens a registry that re-checks agents.json on every lookup, as tests need no throttling. */
export function openRegistry(stateDir: string, options: AgentRegistryOptions = {}): AgentRegistry {
  return AgentRegistry.open(stateDir, { env: NO_KEY_ENV, refreshIntervalMs: 0, ...options });
}
