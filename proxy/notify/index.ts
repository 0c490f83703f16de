/**
 * notify: announces held calls and their outcomes to Slack (incoming webhook, or a bot with buttons), Microsoft
 * Teams (Workflows webhook) and signed generic webhooks. `createNotifier` is the way in; the signature helpers are
 * for receivers and tests.
 */
export { createNotifier, type Notifier, type NotifierOptions } from './create-notifier.js';
export { DEFAULT_DELIVERY_OPTIONS, type DeliveryOptions, type DeliveryOutcome } from './delivery-lane.js';
export {
  DEFAULT_SLACK_API_URL,
  type NotifyConfig,
  type SignedWebhookConfig,
  type SlackNotifyConfig,
  type TeamsNotifyConfig,
} from './notify-config.js';
export { NotifyDeliveryError, type DeliveryFailure, type DeliveryFailureReason } from './notify-errors.js';
export { SLACK_ACTIONS_BLOCK_ID } from './slack-blocks.js';
export { SIGNATURE_HEADER, signWebhookBody, verifyWebhookSignature, type SignatureCheck } from './webhook-signature.js';
