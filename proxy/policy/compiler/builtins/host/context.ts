/*
 * What one evaluation shares across its host built-in calls. OPA reads the clock once per query, so every
 * `time.now_ns()` in one evaluation answers the same instant, and caches `uuid.rfc4122(k)` per key; Airlock does
 * the same per evaluation.
 *
 * The SDK gives host built-ins no handle on "this evaluation", so there are two ways to delimit one:
 *   - explicitly: `scope.run(() => policy.evaluate(input), { now })` pins the instant (the call's timestamp, a test's
 *     fixed time) for every call made inside `run`;
 *   - implicitly: outside `run`, the first call that needs the context reads the clock and the context lives until
 *     the current synchronous job ends (a microtask clears it). `LoadedPolicy.evaluate` is synchronous, so one
 *     evaluation never straddles two contexts; evaluations run back to back in one job share the instant.
 */

/** EvaluationContext is the state one evaluation's host built-in calls share. */
export interface EvaluationContext {
  /** The instant `time.now_ns` answers, in nanoseconds since the Unix epoch. */
  readonly nowNs: bigint;
  /** `uuid.rfc4122` answers by key. */
  readonly uuidsByKey: Map<string, string>;
}

/** EvaluationOptions fixes what an explicit evaluation scope answers. */
export interface EvaluationOptions {
  /** The instant of the evaluation; default: the clock, read once when the scope opens. */
  now?: Date | bigint;
}

/** Clock reads the current time in nanoseconds since the Unix epoch. */
export type Clock = () => bigint;

/** systemClock is the wall clock, at millisecond resolution. */
export const systemClock: Clock = () => BigInt(Date.now()) * 1_000_000n;

/** EvaluationScope hands out the context of the evaluation under way. */
export class EvaluationScope {
  readonly #clock: Clock;
  #explicit: EvaluationContext | undefined;
  #implicit: EvaluationContext | undefined;

  constructor(clock: Clock = systemClock) {
    this.#clock = clock;
  }

  /** current is the context of the evaluation under way, opening an implicit one if none is. */
  current(): EvaluationContext {
    if (this.#explicit !== undefined) return this.#explicit;
    if (this.#implicit === undefined) {
      this.#implicit = newContext(this.#clock());
      queueMicrotask(() => {
        this.#implicit = undefined;
      });
    }
    return this.#implicit;
  }

  /** run calls `evaluate` with a fresh context for every host built-in call made inside it. Scopes nest. */
  run<T>(evaluate: () => T, options: EvaluationOptions = {}): T {
    const outer = this.#explicit;
    this.#explicit = newContext(instantOf(options.now) ?? this.#clock());
    try {
      return evaluate();
    } finally {
      this.#explicit = outer;
    }
  }
}

function newContext(nowNs: bigint): EvaluationContext {
  return { nowNs, uuidsByKey: new Map() };
}

function instantOf(now: Date | bigint | undefined): bigint | undefined {
  if (now === undefined || typeof now === 'bigint') return now;
  const ms = now.getTime();
  if (Number.isNaN(ms)) throw new RangeError('EvaluationOptions.now is an invalid Date');
  return BigInt(ms) * 1_000_000n;
}
