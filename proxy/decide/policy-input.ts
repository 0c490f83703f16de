import { InvalidArgumentError } from '../core/errors.js';
import type { CloudCall } from '../decode/index.js';

/*
 * The policy's `input`, exactly as DESIGN.md's policy contract draws it. Field names are snake_case because they
 * are what Rego reads.
 */

/** PolicyAgent is `input.agent`: who is calling, as configured for the agent's key. */
export interface PolicyAgent {
  id: string;
  /** The human answerable for the agent; never allowed to approve its holds. */
  owner: string;
  groups: string[];
  labels: Record<string, string>;
}

/** PolicyHttp is `input.http`: the request line as the proxy received it. */
export interface PolicyHttp {
  /** Upper-case. */
  method: string;
  /** The CONNECT target's host name, lower-case, without a port. */
  host: string;
  /** The raw path, as sent, without the query string. */
  path: string;
}

/** Weekday is an English day name, as `time.weekday` returns in Rego. */
export type Weekday = 'Sunday' | 'Monday' | 'Tuesday' | 'Wednesday' | 'Thursday' | 'Friday' | 'Saturday';

/** PolicyTime is `input.time`: when Airlock decided, in UTC, so that policies need no clock built-in. */
export interface PolicyTime {
  /** RFC 3339 in UTC to the second: `2026-11-21T03:00:00Z`. */
  now: string;
  weekday: Weekday;
  /** 0–23. */
  hour_utc: number;
}

/** PolicyInput is the whole `input` document of `airlock/decision`. */
export interface PolicyInput {
  agent: PolicyAgent;
  call: CloudCall;
  http: PolicyHttp;
  time: PolicyTime;
}

/** PolicyInputParts are what the pipeline knows when it reaches decide. */
export interface PolicyInputParts {
  /** Copied field by field: the caller's agent record (and anything else it holds) stays the caller's. */
  agent: Readonly<Omit<PolicyAgent, 'groups' | 'labels'>> & {
    readonly groups: readonly string[];
    readonly labels: Readonly<Record<string, string>>;
  };
  call: CloudCall;
  /** `host` may carry a port and `path` a query: both are removed here. */
  http: PolicyHttp;
  now: Date;
}

const WEEKDAYS: readonly Weekday[] = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

/** A bracketed IPv6 literal or a name, then an optional `:port`. */
const HOST_AND_PORT = /^(\[[^\]]*\]|[^:]*)(?::\d*)?$/;

/**
 * buildPolicyInput makes the policy's input for one call.
 *
 * The agent is copied field by field, so whatever else the caller's agent record holds (its key, its config) never
 * reaches the policy, and through it a reason an agent reads. The query string is left out of `http.path`: what a
 * policy should match on in it is already decoded into `call.params`, and matching raw, still-encoded query text
 * invites rules that an agent evades by re-encoding.
 *
 * @throws {InvalidArgumentError} when `now` is not a valid date.
 */
export function buildPolicyInput(parts: PolicyInputParts): PolicyInput {
  const { agent, call, http, now } = parts;
  if (Number.isNaN(now.getTime())) throw new InvalidArgumentError('now must be a valid Date');
  const query = http.path.indexOf('?');
  return {
    agent: { id: agent.id, owner: agent.owner, groups: [...agent.groups], labels: { ...agent.labels } },
    call,
    http: {
      method: http.method.toUpperCase(),
      host: hostName(http.host),
      path: query === -1 ? http.path : http.path.slice(0, query),
    },
    time: {
      now: `${now.toISOString().slice(0, 19)}Z`,
      weekday: WEEKDAYS[now.getUTCDay()] as Weekday,
      hour_utc: now.getUTCHours(),
    },
  };
}

function hostName(authority: string): string {
  const match = HOST_AND_PORT.exec(authority);
  return (match?.[1] ?? authority).toLowerCase();
}
