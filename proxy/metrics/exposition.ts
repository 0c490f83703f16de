import { InvalidArgumentError } from '../core/errors.js';

/**
 * The Prometheus text exposition format 0.0.4: names, label escaping and sample lines.
 * Reference: https://prometheus.io/docs/instrumenting/exposition_formats/#text-based-format
 */

/** PROMETHEUS_CONTENT_TYPE is the Content-Type a scrape of the text format is answered with. */
export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

const METRIC_NAME_PATTERN = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME_PATTERN = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** Labels are one series' label values by label name. */
export type Labels = Readonly<Record<string, string>>;

/**
 * checkMetricName refuses a name the format cannot carry.
 *
 * @throws InvalidArgumentError
 */
export function checkMetricName(name: string): void {
  if (!METRIC_NAME_PATTERN.test(name)) {
    throw new InvalidArgumentError(`metric name ${JSON.stringify(name)} must match ${METRIC_NAME_PATTERN.source}`);
  }
}

/**
 * checkLabelNames refuses label names the format cannot carry, the reserved `__` prefix, names in `reserved` (a
 * histogram's `le`), and duplicates.
 *
 * @throws InvalidArgumentError
 */
export function checkLabelNames(metric: string, labelNames: readonly string[], reserved: readonly string[]): void {
  const seen = new Set<string>();
  for (const label of labelNames) {
    if (!LABEL_NAME_PATTERN.test(label) || label.startsWith('__') || reserved.includes(label)) {
      throw new InvalidArgumentError(`${metric}: label name ${JSON.stringify(label)} is not allowed`);
    }
    if (seen.has(label)) throw new InvalidArgumentError(`${metric}: label name ${label} is declared twice`);
    seen.add(label);
  }
}

/** escapeHelp escapes a HELP text: backslash and line feed. */
export function escapeHelp(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

/** escapeLabelValue escapes a label value: backslash, double quote and line feed. */
export function escapeLabelValue(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

/** formatSampleValue writes a number as the format spells it, including `+Inf`, `-Inf` and `NaN`. */
export function formatSampleValue(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  return String(value);
}

/** formatLabels writes `{a="1",b="2"}` in the given label order, or nothing for no labels. */
export function formatLabels(pairs: ReadonlyArray<readonly [string, string]>): string {
  if (pairs.length === 0) return '';
  return `{${pairs.map(([name, value]) => `${name}="${escapeLabelValue(value)}"`).join(',')}}`;
}

/** formatSample writes one sample line, without its line feed. */
export function formatSample(name: string, pairs: ReadonlyArray<readonly [string, string]>, value: number): string {
  return `${name}${formatLabels(pairs)} ${formatSampleValue(value)}`;
}
