import { randomBytes } from 'node:crypto';
import { open, readFile, stat, unlink } from 'node:fs/promises';
import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { AgentRegistryError } from '../core/errors.js';

/** FileLockOptions bound how long to wait for a lock and when a lock left by a crashed process is taken over. */
export interface FileLockOptions {
  /** Give up after this long. */
  readonly timeoutMs: number;
  /** A lock file older than this is presumed left by a process that died holding it, and removed. */
  readonly staleMs: number;
}

/**
 * withFileLock runs `critical` while holding `lockPath`, a file created exclusively (`O_EXCL`), so processes that
 * share a state directory take turns. The file names its holder (pid, host) for a person who finds it.
 *
 * A lock is taken over once it is older than `staleMs`: holders keep it for milliseconds, so an old one was left by
 * a crash. Two waiters that both judge the same lock stale could, in a window of microseconds, let one remove the
 * other's fresh lock; release only removes a lock that still carries its own token, which narrows that further.
 *
 * @throws AgentRegistryError when the lock is still held after `timeoutMs`
 */
export async function withFileLock<T>(
  lockPath: string,
  critical: () => Promise<T>,
  options: FileLockOptions,
): Promise<T> {
  const token = await acquire(lockPath, options);
  try {
    return await critical();
  } finally {
    await release(lockPath, token);
  }
}

async function acquire(lockPath: string, options: FileLockOptions): Promise<string> {
  const token = randomBytes(8).toString('hex');
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    try {
      const handle = await open(lockPath, 'wx', 0o600);
      try {
        await handle.writeFile(`${token} pid ${process.pid} on ${hostname()} since ${new Date().toISOString()}\n`);
      } finally {
        await handle.close();
      }
      return token;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw new AgentRegistryError(`cannot create lock file ${lockPath} (${errorCode(error)})`, { cause: error });
      }
    }
    const held = await stat(lockPath).catch(() => undefined);
    if (held !== undefined && Date.now() - held.mtimeMs > options.staleMs) {
      await unlink(lockPath).catch(() => undefined);
      continue;
    }
    if (Date.now() >= deadline) {
      throw new AgentRegistryError(
        `the agent registry is locked by another process (${lockPath}); if no airlock command is running, delete it`,
      );
    }
    await sleep(5 + Math.floor(Math.random() * 20));
  }
}

async function release(lockPath: string, token: string): Promise<void> {
  const content = await readFile(lockPath, 'utf8').catch(() => '');
  if (content.startsWith(`${token} `)) await unlink(lockPath).catch(() => undefined);
}

function errorCode(error: unknown): string {
  return (error as NodeJS.ErrnoException).code ?? 'error';
}
