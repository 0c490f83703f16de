import { InvalidArgumentError } from '../core/errors.js';
import {
  checkLabelNames,
  checkMetricName,
  escapeHelp,
  formatSample,
  formatSampleValue,
  type Labels,
} from './exposition.js';

/** MetricOptions declare a metric: its name, its HELP text and the names of its labels (fixed for its life). */
export interface MetricOptions {
  readonly name: string;
  readonly help: string;
  readonly labelNames?: readonly string[];
}

/** HistogramOptions add the bucket upper bounds; `+Inf` is always added. */
export interface HistogramOptions extends MetricOptions {
  readonly buckets: readonly number[];
}

/** Metric is what the registry renders. */
export interface Metric {
  readonly name: string;
  /** render gives the metric's HELP, TYPE and sample lines, each ending in a line feed. */
  render(): string;
}

type LabelPairs = ReadonlyArray<readonly [string, string]>;

/**
 * Series keeps one state per combination of label values. Values are checked against the declared names, so a typo
 * at a call site fails loudly instead of starting a new series.
 */
abstract class Series<State> implements Metric {
  readonly name: string;
  readonly #help: string;
  readonly #type: string;
  readonly #labelNames: readonly string[];
  readonly #series = new Map<string, { readonly pairs: LabelPairs; readonly state: State }>();

  protected constructor(type: string, options: MetricOptions, reservedLabels: readonly string[] = []) {
    checkMetricName(options.name);
    const labelNames = options.labelNames ?? [];
    checkLabelNames(options.name, labelNames, reservedLabels);
    this.name = options.name;
    this.#help = options.help;
    this.#type = type;
    this.#labelNames = [...labelNames];
  }

  protected abstract initialState(): State;

  protected abstract renderSeries(pairs: LabelPairs, state: State): string[];

  /**
   * stateFor gives the state of the series with these label values, creating it at its initial state.
   *
   * @throws InvalidArgumentError when the labels are not exactly the declared ones, or a value is not a string
   */
  protected stateFor(labels: Labels): State {
    const { key, pairs } = this.#seriesKey(labels);
    let series = this.#series.get(key);
    if (series === undefined) {
      series = { pairs, state: this.initialState() };
      this.#series.set(key, series);
    }
    return series.state;
  }

  /** existingState gives the state of the series with these label values, if it has ever been touched. */
  protected existingState(labels: Labels): State | undefined {
    return this.#series.get(this.#seriesKey(labels).key)?.state;
  }

  #seriesKey(labels: Labels): { key: string; pairs: LabelPairs } {
    const names = Object.keys(labels);
    if (names.length !== this.#labelNames.length || !names.every((name) => this.#labelNames.includes(name))) {
      throw new InvalidArgumentError(
        `${this.name} takes the labels [${this.#labelNames.join(', ')}], not [${names.join(', ')}]`,
      );
    }
    const pairs = this.#labelNames.map((name): readonly [string, string] => {
      const value = labels[name];
      if (typeof value !== 'string') throw new InvalidArgumentError(`${this.name}: label ${name} must be a string`);
      return [name, value];
    });
    return { key: JSON.stringify(pairs.map(([, value]) => value)), pairs };
  }

  render(): string {
    // A metric without labels has exactly one series, shown from the start so a scrape sees a zero, not a gap.
    if (this.#labelNames.length === 0) this.stateFor({});
    const lines = [`# HELP ${this.name} ${escapeHelp(this.#help)}`, `# TYPE ${this.name} ${this.#type}`];
    for (const { pairs, state } of this.#series.values()) lines.push(...this.renderSeries(pairs, state));
    return `${lines.join('\n')}\n`;
  }
}

interface Cell {
  value: number;
}

/** SampleSeries is a metric whose every series is one number, rendered as one sample: counters and gauges. */
abstract class SampleSeries extends Series<Cell> {
  /** value reads a series, for tests and health output; 0 for one never counted or set. */
  value(labels: Labels = {}): number {
    return this.existingState(labels)?.value ?? 0;
  }

  protected initialState(): Cell {
    return { value: 0 };
  }

  protected renderSeries(pairs: LabelPairs, state: Cell): string[] {
    return [formatSample(this.name, pairs, state.value)];
  }
}

/** Counter counts up: calls, refusals, notifications. */
export class Counter extends SampleSeries {
  constructor(options: MetricOptions) {
    super('counter', options);
  }

  /**
   * inc adds `amount` (default 1) to the series with these labels.
   *
   * @throws InvalidArgumentError for a negative or non-finite amount, or labels that are not the declared ones
   */
  inc(labels: Labels = {}, amount = 1): void {
    if (!Number.isFinite(amount) || amount < 0) {
      throw new InvalidArgumentError(`${this.name}: a counter only goes up by a finite amount`);
    }
    this.stateFor(labels).value += amount;
  }
}

/** Gauge is a level that goes up and down: calls held right now. */
export class Gauge extends SampleSeries {
  constructor(options: MetricOptions) {
    super('gauge', options);
  }

  /** set puts the series with these labels at `value`. @throws InvalidArgumentError for undeclared labels */
  set(labels: Labels, value: number): void {
    this.stateFor(labels).value = value;
  }

  /** inc raises the series with these labels by `amount` (default 1). @throws InvalidArgumentError as `set` does */
  inc(labels: Labels = {}, amount = 1): void {
    this.stateFor(labels).value += amount;
  }

  /** dec lowers the series with these labels by `amount` (default 1). @throws InvalidArgumentError as `set` does */
  dec(labels: Labels = {}, amount = 1): void {
    this.stateFor(labels).value -= amount;
  }
}

interface Distribution {
  /** Observations at or below each bucket's bound, not cumulative; the last is `+Inf`'s own share. */
  readonly counts: number[];
  sum: number;
  count: number;
}

/**
 * Histogram counts observations into fixed buckets and renders them the cumulative way Prometheus reads them:
 * `_bucket{le="..."}` for each bound and `+Inf`, then `_sum` and `_count`.
 */
export class Histogram extends Series<Distribution> {
  readonly #bounds: readonly number[];

  /** @throws InvalidArgumentError for buckets that are empty, not finite, or not strictly increasing */
  constructor(options: HistogramOptions) {
    const bounds = checkBuckets(options.name, options.buckets);
    super('histogram', options, ['le']);
    this.#bounds = bounds;
  }

  /**
   * observe records one value in the series with these labels.
   *
   * @throws InvalidArgumentError for NaN, or labels that are not the declared ones
   */
  observe(labels: Labels, value: number): void {
    if (Number.isNaN(value)) throw new InvalidArgumentError(`${this.name}: cannot observe NaN`);
    const state = this.stateFor(labels);
    const index = this.#bounds.findIndex((bound) => value <= bound);
    const bucket = index === -1 ? this.#bounds.length : index;
    state.counts[bucket] = (state.counts[bucket] ?? 0) + 1;
    state.sum += value;
    state.count += 1;
  }

  protected initialState(): Distribution {
    return { counts: new Array<number>(this.#bounds.length + 1).fill(0), sum: 0, count: 0 };
  }

  protected renderSeries(pairs: LabelPairs, state: Distribution): string[] {
    const lines: string[] = [];
    let cumulative = 0;
    const bounds = [...this.#bounds, Infinity];
    bounds.forEach((bound, index) => {
      cumulative += state.counts[index] ?? 0;
      lines.push(formatSample(`${this.name}_bucket`, [...pairs, ['le', formatSampleValue(bound)]], cumulative));
    });
    lines.push(formatSample(`${this.name}_sum`, pairs, state.sum));
    lines.push(formatSample(`${this.name}_count`, pairs, state.count));
    return lines;
  }
}

function checkBuckets(metric: string, buckets: readonly number[]): number[] {
  if (buckets.length === 0) throw new InvalidArgumentError(`${metric}: a histogram needs at least one bucket`);
  for (const [index, bound] of buckets.entries()) {
    if (!Number.isFinite(bound)) throw new InvalidArgumentError(`${metric}: bucket bounds must be finite`);
    if (index > 0 && bound <= (buckets[index - 1] ?? -Infinity)) {
      throw new InvalidArgumentError(`${metric}: bucket bounds must increase strictly`);
    }
  }
  return [...buckets];
}
