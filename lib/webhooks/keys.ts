import type { IndexKeys, ItemKey, RecordModel } from "#lib/db/record-store";
import type { Webhook, WebhookStatus } from "#lib/webhooks/schema";

/**
 * Every key format of webhooks, in one place. See docs/data-model.md for the access patterns.
 *
 * | item         | pk            | sk                 | gsi1                                      | gsi2                                       | gsi3           |
 * |--------------|---------------|--------------------|-------------------------------------------|--------------------------------------------|----------------|
 * | subscription | webhook#<id>  | webhook            | webhook#status#<status> / <id>            |                                            | webhook / <id> |
 * | signing key  | webhook#<id>  | webhook#secret     |                                           |                                            |                |
 * | health       | webhook#<id>  | webhook#health     |                                           |                                            |                |
 * | delivery     | webhook#<id>  | delivery#<eventId> | webhook#<id>#deliveries / <deliveryId>    | webhook-delivery#due / <nextAttemptAt>#<deliveryId> (while pending) | |
 *
 * The subscription is a versioned record (its changes are `webhook.*` events). The signing key and
 * the health counters are separate internal items so that the key never travels in an event and
 * the dispatcher's bookkeeping never changes the record (which would announce a `webhook.updated`
 * per delivery, and loop between two subscriptions to `*`). The three share a partition and
 * their sort keys begin with `webhook`, so the dispatcher reads all three in one Query.
 *
 * A delivery is keyed by the event id, so a redelivered event cannot create a second one. While
 * it waits for a retry it sits in gsi2's due list (a sparse index), which the sweeper reads in
 * time order.
 */
export const WEBHOOK_ENTITY = "webhook";
export const SECRET_ENTITY = "webhook-secret";
export const HEALTH_ENTITY = "webhook-health";
export const DELIVERY_ENTITY = "webhook-delivery";

/** Item types of this capability that are bookkeeping, never domain records. */
export const INTERNAL_ENTITIES: readonly string[] = [SECRET_ENTITY, HEALTH_ENTITY, DELIVERY_ENTITY];

export const webhookPartition = (id: string) => `webhook#${id}`;
export const webhookKey = (id: string): ItemKey => ({ pk: webhookPartition(id), sk: "webhook" });
export const secretKey = (id: string): ItemKey => ({
  pk: webhookPartition(id),
  sk: "webhook#secret",
});
export const healthKey = (id: string): ItemKey => ({
  pk: webhookPartition(id),
  sk: "webhook#health",
});
/** Begins the sort keys of the subscription, its signing key and its health. */
export const SUBSCRIPTION_SORT_PREFIX = "webhook";

export const byStatusPartition = (status: WebhookStatus) => `webhook#status#${status}`;
export const allWebhooksPartition = "webhook";

export const deliveryKey = (webhookId: string, eventId: string): ItemKey => ({
  pk: webhookPartition(webhookId),
  sk: `delivery#${eventId}`,
});
export const deliveriesPartition = (webhookId: string) => `webhook#${webhookId}#deliveries`;
export const DUE_PARTITION = "webhook-delivery#due";
/** ISO-8601 timestamps sort as strings; the delivery id keeps equal times apart. */
export const dueSortKey = (nextAttemptAt: string, deliveryId: string) =>
  `${nextAttemptAt}#${deliveryId}`;
/** Every due sort key of deliveries due at or before `nowIso` sorts below this bound. */
export const dueBound = (nowIso: string) => `${nowIso}#~`;

export const webhookModel: RecordModel<Webhook> = {
  type: WEBHOOK_ENTITY,
  key: webhookKey,
  index: (w): IndexKeys => ({
    gsi1pk: byStatusPartition(w.status),
    gsi1sk: w.id,
    gsi3pk: allWebhooksPartition,
    gsi3sk: w.id,
  }),
  facets: () => [],
};
