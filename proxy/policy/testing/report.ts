import type { OperandValues } from './explain.js';
import type { TestOutcome, TestResult } from './runner.js';

/*
 * Reports of a test run, laid out as `opa test` lays them out:
 *
 *   rego/airlock_test.rego:
 *   data.airlock_test.test_hold: FAIL (1.234ms)
 *     rego/airlock_test.rego:42:2: d.effect == "hold"
 *       d.effect: "allow"
 *
 *     what print() wrote, indented
 *
 *   --------------------------------------------------------------------------------
 *   PASS: 12/13
 *   FAIL: 1/13
 *
 * Tests that passed are listed only when verbose, and so is what passing tests printed.
 */

/** PrettyReportOptions tunes formatPretty. */
export interface PrettyReportOptions {
  /** List every test, not only those that did not pass (`opa test -v`). */
  verbose?: boolean;
}

const RULE = '-'.repeat(80);
/** How many of an operand's values to show, and how long a value's text may get. */
const SHOWN_VALUES = 5;
const VALUE_TEXT_LIMIT = 200;

/** formatPretty renders results for a terminal, ending with the per-outcome counts. */
export function formatPretty(results: readonly TestResult[], options: PrettyReportOptions = {}): string {
  const lines: string[] = [];
  let file: string | undefined;
  for (const r of results) {
    if (r.outcome === 'PASS' && !options.verbose) continue;
    if (r.file !== file) {
      file = r.file;
      lines.push(`${file}:`);
    }
    lines.push(
      r.outcome === 'SKIPPED' ? `${r.name}: SKIPPED` : `${r.name}: ${r.outcome} (${formatGoDuration(r.durationNs)})`,
    );
    lines.push(...details(r));
    if (r.output.length > 0) lines.push('', ...r.output.map((l) => `  ${l}`), '');
  }
  if (lines.length > 0) lines.push(RULE);
  const counts = countOutcomes(results);
  for (const outcome of ['PASS', 'FAIL', 'SKIPPED', 'ERROR'] as const) {
    if (counts[outcome] > 0) lines.push(`${outcome}: ${counts[outcome]}/${results.length}`);
  }
  return lines.join('\n');
}

/**
 * formatJson renders results as a JSON array, one object per test: `name`, `package`, `file`, `location`,
 * `outcome`, `duration` (nanoseconds), and as they apply `failedExpression`, `value`, `error`, `output`.
 */
export function formatJson(results: readonly TestResult[]): string {
  const objects = results.map((r) => {
    const json: Record<string, unknown> = {
      name: r.name,
      package: r.package,
      file: r.file,
      location: r.location,
      outcome: r.outcome,
      duration: r.durationNs,
    };
    if (r.failedExpression) json.failedExpression = r.failedExpression;
    if ('value' in r) json.value = r.value;
    if (r.error !== undefined) json.error = r.error;
    if (r.output.length > 0) json.output = r.output;
    return json;
  });
  return JSON.stringify(objects, null, 2);
}

/** countOutcomes counts results by outcome. */
export function countOutcomes(results: readonly TestResult[]): Record<TestOutcome, number> {
  const counts: Record<TestOutcome, number> = { PASS: 0, FAIL: 0, SKIPPED: 0, ERROR: 0 };
  for (const r of results) counts[r.outcome]++;
  return counts;
}

/**
 * formatGoDuration prints nanoseconds as Go's `time.Duration` prints itself, which is how `opa test` shows test
 * times: `750ns`, `172.75µs`, `1.234567ms`, `2.5s`, `1m30s`.
 */
export function formatGoDuration(ns: number): string {
  const whole = Math.max(0, Math.round(ns));
  if (whole === 0) return '0s';
  if (whole < 1_000) return `${whole}ns`;
  if (whole < 1_000_000) return `${decimal(whole, 1_000)}µs`;
  if (whole < 1_000_000_000) return `${decimal(whole, 1_000_000)}ms`;
  const hours = Math.floor(whole / 3_600_000_000_000);
  const minutes = Math.floor((whole % 3_600_000_000_000) / 60_000_000_000);
  const seconds = `${decimal(whole % 60_000_000_000, 1_000_000_000)}s`;
  if (hours > 0) return `${hours}h${minutes}m${seconds}`;
  return minutes > 0 ? `${minutes}m${seconds}` : seconds;
}

/** `value / unit` with as many decimals as needed and no trailing zeros: 172750, 1000 → `172.75`. */
function decimal(value: number, unit: number): string {
  const digits = String(unit).length - 1;
  const fraction = String(value % unit)
    .padStart(digits, '0')
    .replace(/0+$/, '');
  const integer = Math.floor(value / unit);
  return fraction === '' ? String(integer) : `${integer}.${fraction}`;
}

/** The indented lines under a test that did not pass: what failed, or the error. */
function details(r: TestResult): string[] {
  if (r.outcome === 'ERROR') return [`  ${r.error ?? 'error'}`];
  if (r.outcome !== 'FAIL') return [];
  const failed = r.failedExpression;
  if (failed === undefined) return [`  got: ${'value' in r ? valueText(r.value) : 'undefined'}`];
  const { file, row, col } = failed.location;
  const text = failed.text === undefined ? '' : `: ${failed.text}`;
  return [`  ${file}:${row}:${col}${text}`, ...failed.operands.map((o) => `    ${o.text}: ${valuesText(o)}`)];
}

function valuesText(operand: OperandValues): string {
  if (operand.values.length === 0) return 'undefined';
  const shown = operand.values.slice(0, SHOWN_VALUES).map(valueText);
  const more = operand.values.length - shown.length;
  return more > 0 ? `${shown.join(', ')}, … (${more} more)` : shown.join(', ');
}

function valueText(value: unknown): string {
  const text = JSON.stringify(value) ?? 'undefined';
  return text.length > VALUE_TEXT_LIMIT ? `${text.slice(0, VALUE_TEXT_LIMIT)}…` : text;
}
