import type { Approval } from '../store/index.js';
import {
  clip,
  summarizeApproval,
  summarizeResolution,
  type ApprovalSummary,
  type ResolutionSummary,
} from './approval-summary.js';

/**
 * Block Kit messages for a held call. Everything from the agent's request is escaped (`&`, `<`, `>`) and every
 * mrkdwn object holding it is `verbatim`, so a resource name cannot become a link, a mention or a channel reference.
 */

/** SlackText is a Block Kit text object. */
export type SlackText =
  | { readonly type: 'plain_text'; readonly text: string; readonly emoji?: boolean }
  | { readonly type: 'mrkdwn'; readonly text: string; readonly verbatim?: boolean };

/** SlackBlock is the subset of Block Kit these messages use. */
export type SlackBlock =
  | { readonly type: 'header'; readonly text: SlackText }
  | { readonly type: 'section'; readonly text?: SlackText; readonly fields?: readonly SlackText[] }
  | { readonly type: 'context'; readonly elements: readonly SlackText[] }
  | { readonly type: 'actions'; readonly block_id: string; readonly elements: readonly SlackButton[] };

/** SlackButton is a Block Kit button: an interactive one (`value`) or a link (`url`). */
export interface SlackButton {
  readonly type: 'button';
  readonly action_id: string;
  readonly text: SlackText;
  readonly value?: string;
  readonly url?: string;
  readonly style?: 'primary' | 'danger';
}

/** SlackMessage is what chat.postMessage, chat.update and incoming webhooks take: fallback text plus blocks. */
export interface SlackMessage {
  readonly text: string;
  readonly blocks: readonly SlackBlock[];
}

/** SLACK_ACTIONS_BLOCK_ID names the buttons' block, for the interactivity endpoint. */
export const SLACK_ACTIONS_BLOCK_ID = 'airlock_approval';

const OUTCOME_EMOJI: Readonly<Record<Approval['state'], string>> = {
  pending: ':hourglass_flowing_sand:',
  approved: ':white_check_mark:',
  denied: ':no_entry:',
  expired: ':hourglass:',
  cancelled: ':heavy_minus_sign:',
};

/** pendingMessage announces a new approval; with `buttons`, approve and deny work through Slack's interactivity. */
export function pendingMessage(approval: Approval, link: string, buttons: boolean): SlackMessage {
  const summary = summarizeApproval(approval);
  const blocks: SlackBlock[] = [header(`Approval needed: ${summary.action}`), callSection(summary), context(summary)];
  if (buttons) {
    blocks.push({
      type: 'actions',
      block_id: SLACK_ACTIONS_BLOCK_ID,
      elements: [
        button('approve', 'Approve', { value: approval.id, style: 'primary' }),
        button('deny', 'Deny', { value: approval.id, style: 'danger' }),
        button('open', 'Open', { url: link }),
      ],
    });
  } else {
    blocks.push(mrkdwnSection(`<${escapeLink(link)}|Review and approve or deny>`));
  }
  return { text: `Approval needed: ${fallback(summary)}`, blocks };
}

/** resolvedMessage replaces a bot's message when its approval resolves: the same call, the outcome for buttons. */
export function resolvedMessage(approval: Approval, link: string): SlackMessage {
  const summary = summarizeApproval(approval);
  const resolution = summarizeResolution(approval);
  return {
    text: `${resolution.title}: ${fallback(summary)} (${escapeText(resolution.text)})`,
    blocks: [
      header(`${resolution.title}: ${summary.action}`),
      callSection(summary),
      context(summary),
      mrkdwnSection(`${outcomeLine(resolution)} · <${escapeLink(link)}|Open>`),
    ],
  };
}

/** followUpMessage is a short reply for receivers that cannot edit the first message (incoming webhooks). */
export function followUpMessage(approval: Approval, link: string): SlackMessage {
  const summary = summarizeApproval(approval);
  const resolution = summarizeResolution(approval);
  const subject = `${escapeText(summary.action)} by agent ${escapeText(summary.agent)}`;
  return {
    text: `${resolution.title}: ${fallback(summary)} (${escapeText(resolution.text)})`,
    blocks: [mrkdwnSection(`${outcomeLine(resolution)}: ${subject} (<${escapeLink(link)}|${summary.id}>)`)],
  };
}

/** escapeText makes untrusted text inert in Slack mrkdwn: only `&`, `<` and `>` have to be escaped. */
export function escapeText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function escapeLink(link: string): string {
  // `|` ends a link's address in `<url|label>`; the approval link has none, but a configured public URL might.
  return escapeText(link).replace(/\|/g, '%7C');
}

function outcomeLine(resolution: ResolutionSummary): string {
  const by = resolution.by.length === 0 ? '' : ` by ${resolution.by.map(escapeText).join(', ')}`;
  return `${OUTCOME_EMOJI[resolution.state]} *${resolution.title}*${by}`;
}

function fallback(summary: ApprovalSummary): string {
  return escapeText(clip(`${summary.action} on ${summary.resource} by agent ${summary.agent}`, 500));
}

function header(text: string): SlackBlock {
  return { type: 'header', text: { type: 'plain_text', text: clip(text, 150), emoji: false } };
}

function callSection(summary: ApprovalSummary): SlackBlock {
  const field = (label: string, value: string): SlackText => ({
    type: 'mrkdwn',
    text: `*${label}*\n${escapeText(clip(value, 1900))}`,
    verbatim: true,
  });
  return {
    type: 'section',
    text: { type: 'mrkdwn', text: `*Reason*\n${escapeText(clip(summary.reason, 2900))}`, verbatim: true },
    fields: [
      field('Agent', summary.agent),
      field('Owner', summary.owner),
      field('Action', summary.action),
      field('Resource', summary.resource),
      field('Account', summary.account),
      field('Environment', summary.environment),
      field('Needs', summary.approvers),
      { type: 'mrkdwn', text: `*Expires*\n${slackDate(summary.expiresAt)}` },
    ],
  };
}

function context(summary: ApprovalSummary): SlackBlock {
  return {
    type: 'context',
    elements: [
      {
        type: 'mrkdwn',
        text: `Approval \`${summary.id}\` · region ${escapeText(summary.region)} · requested ${slackDate(summary.createdAt)}`,
        verbatim: true,
      },
    ],
  };
}

function mrkdwnSection(text: string): SlackBlock {
  return { type: 'section', text: { type: 'mrkdwn', text } };
}

function button(
  actionId: string,
  label: string,
  target: { value: string; style: 'primary' | 'danger' } | { url: string },
): SlackButton {
  return { type: 'button', action_id: actionId, text: { type: 'plain_text', text: label }, ...target };
}

/** slackDate shows a time in each reader's own time zone, with UTC as the fallback text. */
function slackDate(date: Date): string {
  const seconds = Math.floor(date.getTime() / 1000);
  return `<!date^${seconds}^{date_short_pretty} {time}|${date.toISOString()}>`;
}
