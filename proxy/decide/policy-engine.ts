import { type FSWatcher, watch as watchDirectory } from 'node:fs';
import { InvalidArgumentError } from '../core/errors.js';
import { type Decision, evaluationFailed, readDecision } from './decision.js';
import { PolicyRejectedError } from './errors.js';
import { classifyEvaluationError, type EvaluationErrorClass } from './evaluation-error.js';
import { buildDecisionPolicy, type DecisionPolicy, readPolicyDirectory } from './load-policy.js';
import type { PolicyInput } from './policy-input.js';

/** PolicyEvent is what the engine tells its owner (to log, to count); decisions themselves go to the audit log. */
export type PolicyEvent =
  /** A policy is now in force: at start, and after each reload that compiled. */
  | { kind: 'policy-loaded'; version: string; ms: number }
  /** A changed policy did not compile, load or pass its smoke evaluation; the previous one stays in force. */
  | { kind: 'policy-rejected'; version: string | undefined; diagnostics: readonly string[] }
  /** Evaluating a call threw; the call was denied. `message` is for operators and may name a file and line. */
  | { kind: 'evaluation-error'; version: string; errorClass: EvaluationErrorClass; message: string }
  /** The directory can no longer be watched (it was removed, or the OS refused); reloads have stopped. */
  | { kind: 'watch-failed'; message: string };

/** PolicyEngineOptions configure `createPolicyEngine`. */
export interface PolicyEngineOptions {
  /** The policy directory: `.rego` files (tests excluded) and `data.json` documents, at any depth. */
  dir: string;
  /** Recompile when a file under `dir` changes (default false). */
  watch?: boolean;
  /** Called synchronously with each event; it must not throw. */
  onEvent?: (event: PolicyEvent) => void;
  /** Quiet time after the last change before recompiling, so that an editor's burst of writes compiles once. */
  debounceMs?: number;
}

/** PolicyEngine decides calls with the policy in force. */
export interface PolicyEngine {
  /** The version of the policy in force: 12 hex digits of SHA-256 over its sources. */
  readonly version: string;
  /** decide evaluates the policy in force for one call. Never throws: every failure is a deny. */
  decide(input: PolicyInput): Decision;
  /** close stops watching and waits for a reload under way. The last policy still decides after it. */
  close(): Promise<void>;
}

const DEFAULT_DEBOUNCE_MS = 100;

/**
 * createPolicyEngine compiles the policy in `options.dir` and returns an engine deciding with it. With `watch`,
 * each change under `dir` recompiles it, one compile at a time, and a policy that compiles replaces the one in
 * force at once; one that does not is reported and changes nothing.
 *
 * @throws {InvalidArgumentError} when an option cannot work.
 * @throws {PolicyRejectedError} when the initial policy is rejected, with the compiler's diagnostics.
 */
export async function createPolicyEngine(options: PolicyEngineOptions): Promise<PolicyEngine> {
  const { dir, watch = false, onEvent = () => {}, debounceMs = DEFAULT_DEBOUNCE_MS } = options;
  if (typeof dir !== 'string' || dir === '') throw new InvalidArgumentError('dir must name a policy directory');
  if (!Number.isFinite(debounceMs) || debounceMs < 0) {
    throw new InvalidArgumentError('debounceMs must be a non-negative number of milliseconds');
  }
  const policy = await buildDecisionPolicy(readPolicyDirectory(dir));
  const engine = new DirectoryPolicyEngine(dir, policy, onEvent, debounceMs);
  onEvent({ kind: 'policy-loaded', version: policy.version, ms: policy.buildMs });
  if (watch) engine.watch();
  return engine;
}

class DirectoryPolicyEngine implements PolicyEngine {
  readonly #dir: string;
  readonly #onEvent: (event: PolicyEvent) => void;
  readonly #debounceMs: number;
  #policy: DecisionPolicy;
  /** The last version read and compiled, good or bad: a directory that reads the same is not compiled again. */
  #lastTried: string | undefined;
  #watcher: FSWatcher | undefined;
  #debounce: NodeJS.Timeout | undefined;
  /** The reload loop while it runs. There is at most one, so two compiles never overlap. */
  #reloading: Promise<void> | undefined;
  /** A change settled after the running reload read the directory: read it again. */
  #changed = false;
  #closed = false;

  constructor(dir: string, policy: DecisionPolicy, onEvent: (event: PolicyEvent) => void, debounceMs: number) {
    this.#dir = dir;
    this.#policy = policy;
    this.#lastTried = policy.version;
    this.#onEvent = onEvent;
    this.#debounceMs = debounceMs;
  }

  get version(): string {
    return this.#policy.version;
  }

  decide(input: PolicyInput): Decision {
    const policy = this.#policy;
    let resultSet: unknown;
    try {
      resultSet = policy.evaluate(input);
    } catch (err) {
      const { errorClass, message } = classifyEvaluationError(err);
      this.#onEvent({ kind: 'evaluation-error', version: policy.version, errorClass, message });
      return evaluationFailed(errorClass, policy.version);
    }
    return readDecision(resultSet, policy.version);
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#debounce);
    this.#watcher?.close();
    await this.#reloading;
  }

  /** watch starts watching the directory (recursive watching works on Linux from Node 20). */
  watch(): void {
    // Not persistent: the proxy's server keeps the process alive, the engine should not.
    const watcher = watchDirectory(this.#dir, { recursive: true, persistent: false }, () => this.#changeSeen());
    watcher.on('error', (err: Error) => {
      watcher.close();
      this.#onEvent({ kind: 'watch-failed', message: `${this.#dir}: ${err.message}` });
    });
    this.#watcher = watcher;
    // A file written while the first compile ran raised no event; one read now tells (and compiles nothing if
    // the directory is unchanged).
    this.#changeSeen();
  }

  #changeSeen(): void {
    if (this.#closed) return;
    clearTimeout(this.#debounce);
    this.#debounce = setTimeout(() => {
      this.#debounce = undefined;
      this.#changed = true;
      this.#reloading ??= this.#reloadWhileChanged();
    }, this.#debounceMs);
  }

  async #reloadWhileChanged(): Promise<void> {
    while (this.#changed && !this.#closed) {
      this.#changed = false;
      await this.#reload();
    }
    this.#reloading = undefined;
  }

  async #reload(): Promise<void> {
    try {
      const directory = readPolicyDirectory(this.#dir);
      if (directory.version === this.#lastTried) return;
      this.#lastTried = directory.version;
      const policy = await buildDecisionPolicy(directory);
      if (this.#closed) return;
      this.#policy = policy;
      this.#onEvent({ kind: 'policy-loaded', version: policy.version, ms: policy.buildMs });
    } catch (err) {
      const rejected = err instanceof PolicyRejectedError ? err : unexpected(this.#dir, err);
      // Unreadable sources have no version; forget the last one so that restoring them reports a load.
      if (rejected.version === undefined) this.#lastTried = undefined;
      if (this.#closed) return;
      this.#onEvent({ kind: 'policy-rejected', version: rejected.version, diagnostics: rejected.diagnostics });
    }
  }
}

/** unexpected wraps an error that is not a rejection (a compiler bug): the reload must not crash the proxy. */
function unexpected(dir: string, err: unknown): PolicyRejectedError {
  const text = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  return new PolicyRejectedError(dir, [`${dir}: ${text}`], undefined, err);
}
