/**
 * Reading Slack's interactivity payloads. Slack posts `application/x-www-form-urlencoded` with one field, `payload`,
 * holding JSON; a click on a button in a message is `type: "block_actions"`, with the clicking user and the
 * actions. Airlock's approval messages carry two buttons, `action_id` `approve` and `deny`, whose `value` is the
 * approval id. Only those fields are read; everything else in the payload is ignored.
 *
 * @see https://api.slack.com/reference/interaction-payloads/block-actions
 */

/** VoteAction is a click on Airlock's approve or deny button. */
export interface VoteAction {
  readonly kind: 'vote';
  readonly slackUserId: string;
  readonly decision: 'approve' | 'deny';
  readonly approvalId: string;
}

/** SlackInteraction is what a verified request asks for: a vote, or something Airlock only acknowledges. */
export type SlackInteraction =
  VoteAction | { readonly kind: 'ignored' } | { readonly kind: 'malformed'; readonly problem: string };

const MAX_APPROVAL_ID_LENGTH = 128;

/** readSlackInteraction reads a request body Slack signed. It never throws. */
export function readSlackInteraction(body: Uint8Array): SlackInteraction {
  const field = new URLSearchParams(Buffer.from(body).toString('utf8')).get('payload');
  if (field === null) return malformed('no payload field');
  let payload: unknown;
  try {
    payload = JSON.parse(field);
  } catch {
    return malformed('the payload is not JSON');
  }
  if (!isObject(payload)) return malformed('the payload is not an object');
  // Shortcuts, modal submissions and the like may be configured for the same app; they are not votes.
  if (payload['type'] !== 'block_actions') return { kind: 'ignored' };

  const user = payload['user'];
  const slackUserId = isObject(user) ? user['id'] : undefined;
  if (typeof slackUserId !== 'string' || slackUserId === '') return malformed('no user id');
  const actions = payload['actions'];
  if (!Array.isArray(actions)) return malformed('no actions');
  const vote = actions.find(
    (action): action is Record<string, unknown> =>
      isObject(action) && (action['action_id'] === 'approve' || action['action_id'] === 'deny'),
  );
  if (vote === undefined) return { kind: 'ignored' };
  const approvalId = vote['value'];
  if (typeof approvalId !== 'string' || approvalId === '' || approvalId.length > MAX_APPROVAL_ID_LENGTH) {
    return malformed('the button does not name an approval');
  }
  return { kind: 'vote', slackUserId, decision: vote['action_id'] === 'approve' ? 'approve' : 'deny', approvalId };
}

function malformed(problem: string): SlackInteraction {
  return { kind: 'malformed', problem };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
