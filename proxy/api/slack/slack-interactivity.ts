import { Hono, type Context } from 'hono';
import type { Logger } from 'pino';
import { bodyLimit } from 'hono/body-limit';
import type { ApprovalService, Approver, VoteResult } from '../../approvals/index.js';
import type { AuditLog } from '../../audit/index.js';
import { InvalidArgumentError } from '../../core/errors.js';
import { readSlackInteraction, type VoteAction } from './block-actions.js';
import { checkSlackSignature } from './slack-signature.js';

/** SlackApprover is the Airlock approver a Slack user votes as. */
export interface SlackApprover {
  /** The approver's stable identity, their email: the same one their API token or OIDC login gives. */
  readonly approverId: string;
  readonly groups: readonly string[];
}

/** SlackInteractivityOptions configure the endpoint Slack posts button clicks to. */
export interface SlackInteractivityOptions {
  readonly approvals: ApprovalService;
  /** The Slack app's signing secret: requests without its signature are refused. */
  readonly signingSecret: string;
  /** Slack user ids (`U0123ABCD`) of the people who may vote from Slack, and who they are in Airlock. */
  readonly users: ReadonlyMap<string, SlackApprover>;
  readonly audit: AuditLog;
  readonly clock?: () => Date;
  /** Where failures (of the approval service) are logged; Slack shows only that the vote was not taken. */
  readonly log?: Logger;
}

/** SlackMessage is the reply Slack shows to the user who clicked: to them alone. */
export interface SlackMessage {
  readonly response_type: 'ephemeral';
  readonly replace_original: false;
  readonly text: string;
}

/** Interactivity payloads carry the whole message the button was in; this leaves room for a long one. */
const MAX_BODY_BYTES = 256 * 1024;

/**
 * createSlackInteractivity gives `POST /slack/interactivity`, the Request URL of a Slack app's interactivity: a click
 * on an approval message's Approve or Deny button becomes a vote through the approval service, as the clicking Slack
 * user's Airlock approver, under the same rules as every other door.
 *
 * A request without a valid Slack signature, or with a timestamp more than five minutes from now, is answered 401
 * and audited as `slack.refused`; so is a click by a Slack user who is not in `users`, who is told so. A verified
 * request answers 200 with an ephemeral message saying what the vote did.
 *
 * @throws InvalidArgumentError for an empty signing secret or a missing collaborator
 */
export function createSlackInteractivity(options: SlackInteractivityOptions): Hono {
  const { approvals, signingSecret, users, audit } = validateOptions(options);
  const clock = options.clock ?? (() => new Date());
  const app = new Hono();

  app.post(
    '/slack/interactivity',
    bodyLimit({ maxSize: MAX_BODY_BYTES, onError: (c) => c.text('request too large', 413) }),
    async function slackInteractivity(c) {
      const body = new Uint8Array(await c.req.arrayBuffer());
      const refusal = checkSlackSignature(
        {
          signature: c.req.header('x-slack-signature'),
          timestamp: c.req.header('x-slack-request-timestamp'),
          body,
        },
        signingSecret,
        clock(),
      );
      if (refusal !== undefined) {
        await audit.append('slack.refused', { reason: refusal });
        return c.text('invalid request signature', 401);
      }

      const interaction = readSlackInteraction(body);
      if (interaction.kind === 'malformed') {
        await audit.append('slack.refused', { reason: 'malformed-payload', problem: interaction.problem });
        return c.text(`malformed payload: ${interaction.problem}`, 400);
      }
      if (interaction.kind === 'ignored') return c.body(null, 200);

      const user = users.get(interaction.slackUserId);
      if (user === undefined) {
        await audit.append('slack.refused', {
          reason: 'unknown-user',
          slack_user_id: interaction.slackUserId,
          approval_id: interaction.approvalId,
        });
        return reply(
          c,
          'Your Slack account is not linked to an Airlock approver, so your vote was not counted. ' +
            'Ask your Airlock administrator to add you, or use the approval link.',
        );
      }
      const approver: Approver = {
        id: user.approverId,
        groups: [...user.groups],
        ...(user.approverId.includes('@') ? { email: user.approverId } : {}),
      };
      const result = await approvals.vote({
        approvalId: interaction.approvalId,
        approver,
        decision: interaction.decision,
        via: 'slack',
      });
      return reply(c, describeVote(interaction, result));
    },
  );

  app.onError(function slackFailed(error, c) {
    options.log?.error({ err: error }, 'Slack interactivity failed');
    return c.json(message('Airlock could not take your vote. Try again, or use the approval link.'), 500);
  });

  return app;
}

function describeVote(action: VoteAction, result: VoteResult): string {
  const id = `\`${escapeSlackText(action.approvalId)}\``;
  if (!result.accepted) return `Your vote on ${id} was not counted: ${escapeSlackText(result.message)}`;
  const { outcome, stillNeeded } = result.tally;
  const voted = action.decision === 'approve' ? 'You approved' : 'You denied';
  switch (outcome) {
    case 'approved':
      return `${voted} ${id}. It is approved: the call may go ahead, once.`;
    case 'pending':
      return `${voted} ${id}. It still needs ${stillNeeded} more ${stillNeeded === 1 ? 'approval' : 'approvals'}.`;
    case 'denied':
      return `${voted} ${id}. It is denied: the call will be refused.`;
    case 'expired':
      return `${voted} ${id}, but its time had run out: it has expired.`;
  }
}

function reply(c: Context, text: string): Response {
  return c.json(message(text), 200);
}

function message(text: string): SlackMessage {
  return { response_type: 'ephemeral', replace_original: false, text };
}

/** escapeSlackText keeps text from being read as Slack markup (links, mentions): Slack's three escapes. */
function escapeSlackText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function validateOptions(options: SlackInteractivityOptions): SlackInteractivityOptions {
  if (typeof options.signingSecret !== 'string' || options.signingSecret === '') {
    throw new InvalidArgumentError('signingSecret must not be empty');
  }
  if (!(options.users instanceof Map)) throw new InvalidArgumentError('users must be a Map of Slack user ids');
  if (options.approvals === undefined) throw new InvalidArgumentError('approvals is required');
  if (options.audit === undefined) throw new InvalidArgumentError('audit is required');
  return options;
}
