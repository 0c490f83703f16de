/**
 * api/slack: the endpoint a Slack app's interactivity posts to. A signed click on an approval message's Approve or
 * Deny button becomes a vote through the approval service. This file is the folder's only door.
 */
export {
  createSlackInteractivity,
  type SlackApprover,
  type SlackInteractivityOptions,
  type SlackMessage,
} from './slack-interactivity.js';
export { SLACK_MAX_CLOCK_SKEW_SECONDS } from './slack-signature.js';
