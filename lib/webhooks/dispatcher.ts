import type { BusEvent } from "#events/envelope";
import { EVENT_SOURCE } from "#events/envelope";
import { listRecords } from "#lib/db/record-store";
import { logger } from "#lib/observability/logger";
import { type AttemptContext, attemptDelivery } from "#lib/webhooks/attempt";
import { forEachLimited } from "#lib/webhooks/concurrency";
import { createClaimedDelivery } from "#lib/webhooks/delivery-store";
import { matchesAny } from "#lib/webhooks/event-types";
import { byStatusPartition, INTERNAL_ENTITIES, WEBHOOK_ENTITY } from "#lib/webhooks/keys";
import type { Webhook } from "#lib/webhooks/schema";
import { loadTarget } from "#lib/webhooks/signing-keys";

/**
 * The body every attempt POSTs: the event's type followed by its envelope, as JSON. The
 * envelope (events/envelope.ts) is the contract integrators already know from the bus and the
 * feed; `type` is the detail-type, which the envelope alone does not name.
 */
export const payloadOf = (event: BusEvent): string =>
  JSON.stringify({ type: event["detail-type"], ...event.detail });

const PAGE = 100;
const CONCURRENCY = 10;

/** Every active subscription: one Query per 100 (a stack has a handful). */
const activeSubscriptions = async (): Promise<Webhook[]> => {
  const all: Webhook[] = [];
  let cursor: string | undefined;
  do {
    const page = await listRecords<Webhook>({
      index: "gsi1",
      partition: byStatusPartition("active"),
      limit: PAGE,
      cursor,
    });
    all.push(...page.data);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return all;
};

/**
 * Whether a subscription should hear of an event. Events about a subscription itself are never
 * sent to it: `webhook.disabled` cannot reach the endpoint it disables, nor can an update of a
 * subscription bounce back to it. Bookkeeping items (deliveries, keys, health) are never events
 * for subscribers, whatever the publisher makes of them.
 */
export const wants = (subscription: Webhook, event: BusEvent): boolean =>
  event.source === EVENT_SOURCE &&
  !INTERNAL_ENTITIES.includes(event.detail.entity) &&
  !(event.detail.entity === WEBHOOK_ENTITY && event.detail.id === subscription.id) &&
  matchesAny(subscription.eventTypes, event["detail-type"]);

export interface DispatchSummary {
  readonly matched: number;
  /** Deliveries this call created and attempted. */
  readonly created: number;
  /** Deliveries that existed already: the bus delivered the event before. */
  readonly duplicates: number;
}

/**
 * Creates one delivery per matching active subscription, idempotently on (subscription, event
 * id), and attempts each at once. A failure of our own (the database) is rethrown after the other
 * subscriptions were served, so the bus retries the event; the deliveries already created are
 * then recognised and left to the sweeper.
 */
export const dispatchEvent = async (
  event: BusEvent,
  context: AttemptContext,
): Promise<DispatchSummary> => {
  const now = context.now ?? Date.now;
  const subscriptions = (await activeSubscriptions()).filter((s) => wants(s, event));
  const body = payloadOf(event);
  let created = 0;
  let duplicates = 0;
  await forEachLimited(subscriptions, CONCURRENCY, async (subscription) => {
    const claimed = await createClaimedDelivery(
      {
        webhookId: subscription.id,
        eventId: event.detail.eventId,
        eventType: event["detail-type"],
        body,
      },
      now(),
      context.policy,
    );
    if (!claimed) {
      duplicates++;
      return;
    }
    created++;
    const delivery = await attemptDelivery(
      claimed,
      "initial",
      await loadTarget(subscription.id),
      context,
    );
    logger.info("Webhook attempt", {
      webhookId: subscription.id,
      eventId: event.detail.eventId,
      status: delivery?.status,
    });
  });
  return { matched: subscriptions.length, created, duplicates };
};
