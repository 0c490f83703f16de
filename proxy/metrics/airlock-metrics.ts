import type { ApprovalServiceEvent } from '../approvals/approval-service.js';
import { PROMETHEUS_CONTENT_TYPE } from './exposition.js';
import type { Counter, Gauge, Histogram } from './metric.js';
import { MetricsRegistry } from './registry.js';

/** AirlockMetrics are the metrics Airlock exports on `GET /metrics`, declared in one registry. */
export interface AirlockMetrics {
  readonly registry: MetricsRegistry;
  /** Calls decided, by `decision` (allow, deny, hold, ...). */
  readonly callsTotal: Counter;
  /** From a call's arrival to its answer, held time included. */
  readonly callDurationSeconds: Histogram;
  /** Calls waiting on a human right now. */
  readonly heldCalls: Gauge;
  /** Approvals by `state`: created, approved, denied, expired, cancelled. */
  readonly approvalsTotal: Counter;
  /** From an approval's decision to the forwarding of its call. */
  readonly approvalToForwardSeconds: Histogram;
  /** REST API requests refused (401, 403), by `reason`. */
  readonly apiRefusalsTotal: Counter;
  /** Notifications sent, by `notifier` (slack, teams, webhook) and `outcome` (sent, failed). */
  readonly notificationsTotal: Counter;
  /** The Content-Type of `render()`'s text. */
  readonly contentType: string;
  /** render gives the text exposition of every metric. */
  render(): string;
}

// Held calls wait for people: the call duration and the approval-to-forward time reach minutes and hours.
const CALL_DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600];
const APPROVAL_TO_FORWARD_BUCKETS = [0.1, 0.5, 1, 5, 10, 30, 60, 120, 300, 600, 1800, 3600];

/** createAirlockMetrics declares Airlock's metrics in a new registry; every counter starts at zero. */
export function createAirlockMetrics(): AirlockMetrics {
  const registry = new MetricsRegistry();
  return {
    registry,
    callsTotal: registry.counter({
      name: 'airlock_calls_total',
      help: 'Cloud API calls decided by the policy, by decision.',
      labelNames: ['decision'],
    }),
    callDurationSeconds: registry.histogram({
      name: 'airlock_call_duration_seconds',
      help: "Time from a call's arrival to its answer, including time held for approval.",
      buckets: CALL_DURATION_BUCKETS,
    }),
    heldCalls: registry.gauge({ name: 'airlock_held_calls', help: 'Calls waiting for human approval now.' }),
    approvalsTotal: registry.counter({
      name: 'airlock_approvals_total',
      help: 'Approvals created and resolved, by state (created, approved, denied, expired, cancelled).',
      labelNames: ['state'],
    }),
    approvalToForwardSeconds: registry.histogram({
      name: 'airlock_approval_to_forward_seconds',
      help: 'Time from an approval being granted to its call being forwarded.',
      buckets: APPROVAL_TO_FORWARD_BUCKETS,
    }),
    apiRefusalsTotal: registry.counter({
      name: 'airlock_api_refusals_total',
      help: 'Approval API requests refused as unauthenticated or forbidden, by reason.',
      labelNames: ['reason'],
    }),
    notificationsTotal: registry.counter({
      name: 'airlock_notifications_total',
      help: 'Approval notifications attempted, by notifier and outcome.',
      labelNames: ['notifier', 'outcome'],
    }),
    contentType: PROMETHEUS_CONTENT_TYPE,
    render: () => registry.render(),
  };
}

/**
 * countApprovalEvents returns a listener for `ApprovalService.subscribe` that counts approvals by state and times
 * approval to forwarding. It never throws, as listeners must not.
 *
 * @example
 * const unsubscribe = approvals.subscribe(countApprovalEvents(metrics));
 */
export function countApprovalEvents(metrics: AirlockMetrics): (event: ApprovalServiceEvent) => void {
  return function countApprovalEvent(event) {
    switch (event.type) {
      case 'created':
        metrics.approvalsTotal.inc({ state: 'created' });
        return;
      case 'resolved':
        metrics.approvalsTotal.inc({ state: event.approval.state });
        return;
      case 'used': {
        const { resolvedAt, usedAt } = event.approval;
        if (resolvedAt === undefined || usedAt === undefined) return;
        const seconds = (Date.parse(usedAt) - Date.parse(resolvedAt)) / 1000;
        if (Number.isFinite(seconds) && seconds >= 0) metrics.approvalToForwardSeconds.observe({}, seconds);
        return;
      }
    }
  };
}
