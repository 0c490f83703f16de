import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Test } from 'tap';

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** FixtureProcess is a script from test/store/fixtures running in its own Node process, read line by line. */
export interface FixtureProcess {
  readonly child: ChildProcess;
  /** Every stdout line so far, including those already consumed by `waitForLine`. */
  readonly lines: string[];
  /** waitForLine resolves with the first line (from the start) that `matches`; it fails after `timeoutMs`. */
  waitForLine(matches: (line: string) => boolean, timeoutMs: number): Promise<string>;
  /** exited resolves when the process has exited and its stdout is drained; it fails after `timeoutMs`. */
  exited(timeoutMs: number): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/**
 * startFixture runs `node --import tsx test/store/fixtures/<script> ...args` from the repository root. The process
 * is killed when the test ends, if it is still running.
 */
export function startFixture(t: Test, script: string, args: readonly string[]): FixtureProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', `test/store/fixtures/${script}`, ...args], {
    cwd: REPO_ROOT,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const listeners = new Set<() => void>();
  let partial = '';
  let stderr = '';
  let closed = false;
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    const parts = (partial + chunk).split('\n');
    partial = parts.pop() ?? '';
    lines.push(...parts);
    listeners.forEach((listener) => listener());
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const closing = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on('close', (code, signal) => {
      closed = true;
      listeners.forEach((listener) => listener());
      resolve({ code, signal });
    });
  });
  t.teardown(() => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
    }
  });

  const withTimeout = <Value>(what: string, timeoutMs: number, promise: Promise<Value>): Promise<Value> =>
    new Promise<Value>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`${script}: timed out after ${timeoutMs} ms waiting for ${what}; stderr: ${stderr}`)),
        timeoutMs,
      );
      promise.then(
        (value) => {
          clearTimeout(timer);
          resolve(value);
        },
        (error: unknown) => {
          clearTimeout(timer);
          reject(error);
        },
      );
    });

  return {
    child,
    lines,
    waitForLine(matches, timeoutMs) {
      const found = new Promise<string>((resolve, reject) => {
        const check = (): void => {
          const line = lines.find(matches);
          if (line !== undefined) {
            listeners.delete(check);
            resolve(line);
          } else if (closed) {
            listeners.delete(check);
            reject(new Error(`${script} exited without printing the line awaited; stderr: ${stderr}`));
          }
        };
        listeners.add(check);
        check();
      });
      return withTimeout('a line', timeoutMs, found);
    },
    exited(timeoutMs) {
      return withTimeout('exit', timeoutMs, closing);
    },
  };
}
