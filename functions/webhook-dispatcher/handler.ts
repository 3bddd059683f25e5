import type { BusEvent } from "#events/envelope";
import { logger } from "#lib/observability/logger";
import { dispatchEvent } from "#lib/webhooks/dispatcher";
import { deliveryPolicy } from "#lib/webhooks/policy";

/**
 * Target of the `webhook-dispatch` rule: every CRM event, delivered to the subscriptions that
 * want it. Throwing makes EventBridge retry the event (then dead-letter it); the deliveries are
 * keyed on the event id, so a retried event sends nothing twice.
 */
export const handler = async (event: BusEvent) => {
  logger.appendKeys({ eventId: event.detail.eventId, detailType: event["detail-type"] });
  return dispatchEvent(event, { policy: deliveryPolicy() });
};
