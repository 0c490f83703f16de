/*
 * Running Rego tests, as `opa test` does: discovery (discover.ts), `print` kept (print-calls.ts), evaluation
 * (runner.ts), finding what failed (probes.ts, explain.ts, source-text.ts) and reports (report.ts).
 */

export { SKIP_TEST_PREFIX, TEST_PREFIX } from './discover.js';
export type { FailedExpression, OperandValues } from './explain.js';
export { countOutcomes, formatGoDuration, formatJson, formatPretty, type PrettyReportOptions } from './report.js';
export { runRegoTests, type RunTestsOptions, type TestOutcome, type TestResult } from './runner.js';
