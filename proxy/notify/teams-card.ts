import type { Approval } from '../store/index.js';
import { clip, summarizeApproval, summarizeResolution } from './approval-summary.js';

/**
 * Adaptive Cards (version 1.4, what Teams renders) for a held call, wrapped as the message a Teams Workflows webhook
 * posts. TextBlocks and facts render a Markdown subset, so text from the agent's request has its Markdown
 * punctuation escaped and cannot become a link or hide behind formatting.
 */

/** AdaptiveElement is the subset of Adaptive Card elements these cards use. */
export type AdaptiveElement =
  | {
      readonly type: 'TextBlock';
      readonly text: string;
      readonly wrap: true;
      readonly size?: 'Small' | 'Medium' | 'Large';
      readonly weight?: 'Bolder';
      readonly isSubtle?: boolean;
      readonly color?: 'Good' | 'Attention' | 'Warning';
    }
  | { readonly type: 'FactSet'; readonly facts: readonly { readonly title: string; readonly value: string }[] };

/** AdaptiveCard is a card with a body and one link action. */
export interface AdaptiveCard {
  readonly $schema: 'http://adaptivecards.io/schemas/adaptive-card.json';
  readonly type: 'AdaptiveCard';
  readonly version: '1.4';
  readonly body: readonly AdaptiveElement[];
  readonly actions: readonly { readonly type: 'Action.OpenUrl'; readonly title: string; readonly url: string }[];
}

/** TeamsMessage is the body a Workflows webhook takes. */
export interface TeamsMessage {
  readonly type: 'message';
  readonly attachments: readonly {
    readonly contentType: 'application/vnd.microsoft.card.adaptive';
    readonly contentUrl: null;
    readonly content: AdaptiveCard;
  }[];
}

/** pendingCard announces a new approval. */
export function pendingCard(approval: Approval, link: string): TeamsMessage {
  const summary = summarizeApproval(approval);
  return message({
    body: [
      {
        type: 'TextBlock',
        text: `Approval needed: ${escapeMarkdown(summary.action)}`,
        wrap: true,
        size: 'Medium',
        weight: 'Bolder',
      },
      { type: 'TextBlock', text: escapeMarkdown(clip(summary.reason, 2000)), wrap: true },
      {
        type: 'FactSet',
        facts: [
          fact('Agent', summary.agent),
          fact('Owner', summary.owner),
          fact('Action', summary.action),
          fact('Resource', summary.resource),
          fact('Account', summary.account),
          fact('Environment', summary.environment),
          fact('Region', summary.region),
          fact('Needs', summary.approvers),
          fact('Expires', utc(summary.expiresAt)),
        ],
      },
      { type: 'TextBlock', text: `Approval ${summary.id}`, wrap: true, size: 'Small', isSubtle: true },
    ],
    actions: [{ type: 'Action.OpenUrl', title: 'Review and approve or deny', url: link }],
  });
}

/** resolvedCard follows up on an approval: Workflows webhooks cannot edit the card they posted. */
export function resolvedCard(approval: Approval, link: string): TeamsMessage {
  const summary = summarizeApproval(approval);
  const resolution = summarizeResolution(approval);
  const color = resolution.state === 'approved' ? 'Good' : resolution.state === 'denied' ? 'Attention' : 'Warning';
  return message({
    body: [
      {
        type: 'TextBlock',
        text: `${resolution.title}: ${escapeMarkdown(summary.action)}`,
        wrap: true,
        size: 'Medium',
        weight: 'Bolder',
        color,
      },
      { type: 'TextBlock', text: escapeMarkdown(clip(resolution.text, 1000)), wrap: true },
      {
        type: 'FactSet',
        facts: [fact('Agent', summary.agent), fact('Resource', summary.resource), fact('Approval', summary.id)],
      },
    ],
    actions: [{ type: 'Action.OpenUrl', title: 'Open', url: link }],
  });
}

/**
 * escapeMarkdown backslash-escapes what the cards' Markdown subset reads as emphasis, links or a list, and flattens
 * newlines, so the text shows as it was sent.
 */
export function escapeMarkdown(text: string): string {
  return text
    .replace(/[\r\n]+/g, ' ')
    .replace(/[\\`*_~[\]<>]/g, '\\$&')
    .replace(/^(\s*)([-+])/, '$1\\$2')
    .replace(/^(\s*\d+)\./, '$1\\.');
}

function fact(title: string, value: string): { title: string; value: string } {
  return { title, value: escapeMarkdown(clip(value, 1000)) };
}

function utc(date: Date): string {
  return `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

function message(card: Pick<AdaptiveCard, 'body' | 'actions'>): TeamsMessage {
  return {
    type: 'message',
    attachments: [
      {
        contentType: 'application/vnd.microsoft.card.adaptive',
        contentUrl: null,
        content: {
          $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
          type: 'AdaptiveCard',
          version: '1.4',
          ...card,
        },
      },
    ],
  };
}
