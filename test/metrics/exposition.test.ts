import t from 'tap';
import {
  countApprovalEvents,
  createAirlockMetrics,
  MetricsRegistry,
  PROMETHEUS_CONTENT_TYPE,
} from '../../proxy/metrics/index.js';
import type { Approval } from '../../proxy/store/index.js';
import { parseExposition } from './parse-exposition.js';

t.test('a counter renders HELP, TYPE and one line per label set', async (t) => {
  const registry = new MetricsRegistry();
  const refusals = registry.counter({ name: 'refusals_total', help: 'Refusals.', labelNames: ['reason'] });
  refusals.inc({ reason: 'missing' });
  refusals.inc({ reason: 'missing' });
  refusals.inc({ reason: 'agent-owner' }, 3);
  t.equal(
    registry.render(),
    [
      '# HELP refusals_total Refusals.',
      '# TYPE refusals_total counter',
      'refusals_total{reason="missing"} 2',
      'refusals_total{reason="agent-owner"} 3',
      '',
    ].join('\n'),
  );
});

t.test('metrics without labels show zero before anything happens', async (t) => {
  const registry = new MetricsRegistry();
  registry.gauge({ name: 'held', help: 'Held.' });
  registry.histogram({ name: 'wait_seconds', help: 'Wait.', buckets: [1] });
  t.equal(
    registry.render(),
    [
      '# HELP held Held.',
      '# TYPE held gauge',
      'held 0',
      '# HELP wait_seconds Wait.',
      '# TYPE wait_seconds histogram',
      'wait_seconds_bucket{le="1"} 0',
      'wait_seconds_bucket{le="+Inf"} 0',
      'wait_seconds_sum 0',
      'wait_seconds_count 0',
      '',
    ].join('\n'),
  );
});

t.test('label values and HELP text are escaped', async (t) => {
  const registry = new MetricsRegistry();
  const counter = registry.counter({ name: 'odd_total', help: 'A back\\slash\nand a new line.', labelNames: ['v'] });
  counter.inc({ v: 'quote " backslash \\ newline \n end' });
  const text = registry.render();
  t.match(text, '# HELP odd_total A back\\\\slash\\nand a new line.\n');
  t.match(text, 'odd_total{v="quote \\" backslash \\\\ newline \\n end"} 1\n');
  t.same(parseExposition(text).samples, [
    { name: 'odd_total', labels: { v: 'quote " backslash \\ newline \n end' }, value: 1 },
  ]);
});

t.test('a histogram renders cumulative buckets, +Inf, _sum and _count', async (t) => {
  const registry = new MetricsRegistry();
  const histogram = registry.histogram({
    name: 'duration_seconds',
    help: 'Durations.',
    labelNames: ['stage'],
    buckets: [0.1, 1, 10],
  });
  for (const value of [0.05, 0.1, 0.5, 5, 50]) histogram.observe({ stage: 'decide' }, value);
  t.equal(
    registry.render(),
    [
      '# HELP duration_seconds Durations.',
      '# TYPE duration_seconds histogram',
      'duration_seconds_bucket{stage="decide",le="0.1"} 2',
      'duration_seconds_bucket{stage="decide",le="1"} 3',
      'duration_seconds_bucket{stage="decide",le="10"} 4',
      'duration_seconds_bucket{stage="decide",le="+Inf"} 5',
      'duration_seconds_sum{stage="decide"} 55.65',
      'duration_seconds_count{stage="decide"} 5',
      '',
    ].join('\n'),
  );
});

t.test('gauges go up and down; special values are spelled as the format does', async (t) => {
  const registry = new MetricsRegistry();
  const gauge = registry.gauge({ name: 'level', help: 'Level.', labelNames: ['k'] });
  gauge.inc({ k: 'a' }, 3);
  gauge.dec({ k: 'a' });
  gauge.set({ k: 'inf' }, Infinity);
  gauge.set({ k: 'neg' }, -Infinity);
  gauge.set({ k: 'nan' }, NaN);
  t.same(registry.render().split('\n').slice(2, -1), [
    'level{k="a"} 2',
    'level{k="inf"} +Inf',
    'level{k="neg"} -Inf',
    'level{k="nan"} NaN',
  ]);
});

t.test('misuse is refused at once', async (t) => {
  const registry = new MetricsRegistry();
  const counter = registry.counter({ name: 'c_total', help: 'C.', labelNames: ['a'] });
  t.throws(() => counter.inc({ b: 'x' }), { name: 'InvalidArgumentError' }, 'an undeclared label');
  t.throws(() => counter.inc({}), { name: 'InvalidArgumentError' }, 'a missing label');
  t.throws(() => counter.inc({ a: 'x' }, -1), { name: 'InvalidArgumentError' }, 'a counter going down');
  t.throws(() => registry.counter({ name: 'c_total', help: 'again' }), { name: 'InvalidArgumentError' }, 'a repeat');
  t.throws(() => registry.counter({ name: 'bad-name', help: 'x' }), { name: 'InvalidArgumentError' });
  t.throws(() => registry.counter({ name: 'x', help: 'x', labelNames: ['__reserved'] }), {
    name: 'InvalidArgumentError',
  });
  t.throws(() => registry.histogram({ name: 'h', help: 'x', labelNames: ['le'], buckets: [1] }), {
    name: 'InvalidArgumentError',
  });
  t.throws(() => registry.histogram({ name: 'h2', help: 'x', buckets: [1, 1] }), { name: 'InvalidArgumentError' });
  t.throws(() => registry.histogram({ name: 'h3', help: 'x', buckets: [] }), { name: 'InvalidArgumentError' });
  t.throws(() => registry.histogram({ name: 'h4', help: 'x', buckets: [1, Infinity] }), {
    name: 'InvalidArgumentError',
  });
});

t.test("Airlock's metrics parse as an exposition and count approval events", async (t) => {
  const metrics = createAirlockMetrics();
  t.equal(metrics.contentType, PROMETHEUS_CONTENT_TYPE);
  metrics.callsTotal.inc({ decision: 'hold' });
  metrics.callDurationSeconds.observe({}, 0.2);
  metrics.heldCalls.inc();
  metrics.apiRefusalsTotal.inc({ reason: 'unknown-token' });
  metrics.notificationsTotal.inc({ notifier: 'slack', outcome: 'sent' });
  const approval = {
    state: 'approved',
    resolvedAt: '2026-11-21T03:00:10.000Z',
    usedAt: '2026-11-21T03:00:12.500Z',
  } as Approval;
  const count = countApprovalEvents(metrics);
  count({ type: 'created', approval, link: 'https://airlock.example/approvals/apv_1' });
  count({ type: 'resolved', approval, link: 'https://airlock.example/approvals/apv_1' });
  count({ type: 'used', approval });

  const parsed = parseExposition(metrics.render());
  t.same(Object.keys(parsed.types), [
    'airlock_calls_total',
    'airlock_call_duration_seconds',
    'airlock_held_calls',
    'airlock_approvals_total',
    'airlock_approval_to_forward_seconds',
    'airlock_api_refusals_total',
    'airlock_notifications_total',
  ]);
  t.equal(parsed.types['airlock_call_duration_seconds'], 'histogram');
  t.equal(parsed.types['airlock_held_calls'], 'gauge');
  t.equal(parsed.value('airlock_calls_total', { decision: 'hold' }), 1);
  t.equal(parsed.value('airlock_held_calls', {}), 1);
  t.equal(parsed.value('airlock_approvals_total', { state: 'created' }), 1);
  t.equal(parsed.value('airlock_approvals_total', { state: 'approved' }), 1);
  t.equal(parsed.value('airlock_approval_to_forward_seconds_sum', {}), 2.5);
  t.equal(parsed.value('airlock_approval_to_forward_seconds_bucket', { le: '1' }), 0);
  t.equal(parsed.value('airlock_approval_to_forward_seconds_bucket', { le: '5' }), 1);
  t.equal(parsed.value('airlock_notifications_total', { notifier: 'slack', outcome: 'sent' }), 1);
});
