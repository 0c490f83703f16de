import { InvalidArgumentError } from '../core/errors.js';
import { Counter, Gauge, Histogram, type HistogramOptions, type Metric, type MetricOptions } from './metric.js';

/**
 * MetricsRegistry declares metrics and renders them all in the Prometheus text format 0.0.4, in the order they were
 * declared. A name is declared once: two parts counting into one name by accident would add up silently.
 *
 * @example
 * const registry = new MetricsRegistry();
 * const calls = registry.counter({ name: 'airlock_calls_total', help: 'Calls decided.', labelNames: ['decision'] });
 * calls.inc({ decision: 'allow' });
 * response.end(registry.render()); // with Content-Type PROMETHEUS_CONTENT_TYPE
 */
export class MetricsRegistry {
  readonly #metrics = new Map<string, Metric>();

  /** @throws InvalidArgumentError for a malformed or already declared name, or malformed label names */
  counter(options: MetricOptions): Counter {
    return this.#add(new Counter(options));
  }

  /** @throws InvalidArgumentError for a malformed or already declared name, or malformed label names */
  gauge(options: MetricOptions): Gauge {
    return this.#add(new Gauge(options));
  }

  /** @throws InvalidArgumentError as `counter` does, and for malformed buckets */
  histogram(options: HistogramOptions): Histogram {
    return this.#add(new Histogram(options));
  }

  /** render gives the whole exposition: every metric's HELP, TYPE and samples. */
  render(): string {
    return [...this.#metrics.values()].map((metric) => metric.render()).join('');
  }

  #add<M extends Metric>(metric: M): M {
    if (this.#metrics.has(metric.name)) {
      throw new InvalidArgumentError(`metric ${metric.name} is already declared`);
    }
    this.#metrics.set(metric.name, metric);
    return metric;
  }
}
