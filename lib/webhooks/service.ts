import type { Principal } from "#lib/auth/principal";
import { createRecord, getRecord, type ListQuery, listRecords } from "#lib/db/record-store";
import { DomainError, notFound, versionMismatch } from "#lib/errors/domain-error";
import type { Page } from "#lib/http/response";
import { DEFAULT_PAGE_SIZE } from "#lib/records/common-schema";
import { newId } from "#lib/records/ids";
import { applyPatch, mutateRecord, removeRecord, stamp } from "#lib/records/mutate";
import { attemptDelivery } from "#lib/webhooks/attempt";
import {
  claimDelivery,
  deliveryItemKey,
  findDelivery,
  getDelivery,
  isLeased,
  toDelivery,
} from "#lib/webhooks/delivery-store";
import { deleteHealth, resetHealth } from "#lib/webhooks/health";
import {
  allWebhooksPartition,
  byStatusPartition,
  deliveriesPartition,
  webhookModel,
} from "#lib/webhooks/keys";
import { deliveryPolicy } from "#lib/webhooks/policy";
import type {
  CreateWebhook,
  Delivery,
  ListWebhooksQuery,
  UpdateWebhook,
  Webhook,
  WebhookStatus,
} from "#lib/webhooks/schema";
import { newSigningKey, secretOf } from "#lib/webhooks/signature";
import {
  currentSigningKey,
  deleteSigningKey,
  loadTarget,
  putSigningKey,
  ROTATION_OVERLAP_MS,
} from "#lib/webhooks/signing-keys";

export interface WebhookWithSecret extends Webhook {
  /** `whsec_…`: shown in this response only. */
  readonly secret: string;
}

export const createWebhook = async (
  input: CreateWebhook,
  actor: Principal,
): Promise<WebhookWithSecret> => {
  const now = new Date().toISOString();
  const webhook: Webhook = {
    ...input,
    id: newId("wh"),
    status: "active",
    version: 1,
    createdAt: now,
    updatedAt: now,
    createdBy: actor.userId,
    updatedBy: actor.userId,
  };
  const key = newSigningKey();
  // The record and its key in one transaction: a subscription never exists without a key.
  await createRecord(webhookModel, webhook, [putSigningKey(webhook.id, key)]);
  return { ...webhook, secret: secretOf(key) };
};

export const getWebhook = async (id: string): Promise<Webhook> => {
  const webhook = await getRecord(webhookModel, id);
  if (!webhook) throw notFound("webhook", id);
  return webhook;
};

export const listWebhooks = (query: ListWebhooksQuery): Promise<Page<Webhook>> => {
  const page = { limit: query.limit ?? DEFAULT_PAGE_SIZE, cursor: query.cursor };
  const list: ListQuery = query.status
    ? { index: "gsi1", partition: byStatusPartition(query.status), ...page }
    : { index: "gsi3", partition: allWebhooksPartition, ...page };
  return listRecords<Webhook>(list);
};

export const updateWebhook = async (
  id: string,
  patch: UpdateWebhook,
  expectedVersion: number | undefined,
  actor: Principal,
): Promise<Webhook> =>
  mutateRecord(webhookModel, id, expectedVersion, (before) => ({
    after: stamp(applyPatch(before, patch), actor.userId),
  }));

/**
 * Pause and resume. Asking for the status a subscription already has changes nothing (no new
 * version, no event). Resuming a disabled subscription clears why it was disabled and starts a
 * clean failure streak, in the same transaction.
 */
export const setWebhookStatus = async (
  id: string,
  status: Extract<WebhookStatus, "active" | "paused">,
  expectedVersion: number | undefined,
  actor: Principal,
): Promise<Webhook> => {
  const current = await getRecord(webhookModel, id);
  if (!current) throw notFound("webhook", id);
  if (expectedVersion !== undefined && current.version !== expectedVersion) {
    throw versionMismatch("webhook", id, expectedVersion, current.version);
  }
  if (current.status === status) return current;
  return mutateRecord(webhookModel, id, expectedVersion ?? current.version, (before) => {
    const { disabledAt: _at, disabledReason: _reason, ...rest } = before;
    return {
      after: stamp({ ...rest, status }, actor.userId),
      extra: status === "active" ? [resetHealth(id)] : [],
    };
  });
};

export const deleteWebhook = async (
  id: string,
  expectedVersion: number | undefined,
  actor: Principal,
) => {
  await removeRecord(webhookModel, id, expectedVersion, actor.userId, () => [
    deleteSigningKey(id),
    deleteHealth(id),
  ]);
};

/**
 * A new signing key, returned once. The previous key keeps signing next to it for a day, so that
 * the receiver can switch to the new secret without refusing deliveries in between.
 */
export const rotateSecret = async (
  id: string,
  expectedVersion: number | undefined,
  actor: Principal,
): Promise<WebhookWithSecret> => {
  const previous = await currentSigningKey(id);
  const key = newSigningKey();
  const now = Date.now();
  const webhook = await mutateRecord(webhookModel, id, expectedVersion, (before) => ({
    after: stamp({ ...before, secretRotatedAt: new Date(now).toISOString() }, actor.userId),
    extra: [
      putSigningKey(
        id,
        key,
        previous ? { key: previous, until: now + ROTATION_OVERLAP_MS } : undefined,
      ),
    ],
  }));
  return { ...webhook, secret: secretOf(key) };
};

export const listDeliveries = async (
  webhookId: string,
  query: { readonly limit?: number; readonly cursor?: string },
): Promise<Page<Delivery>> => {
  await getWebhook(webhookId);
  const page = await listRecords<Record<string, unknown>>({
    index: "gsi1",
    partition: deliveriesPartition(webhookId),
    limit: query.limit ?? DEFAULT_PAGE_SIZE,
    cursor: query.cursor,
    newestFirst: true,
  });
  return { ...page, data: page.data.map(toDelivery) };
};

/**
 * Resends a delivery now, as one extra attempt, whatever its state and the subscription's status
 * (an admin may probe a paused or disabled endpoint before resuming it). The attempt is claimed
 * like any other, so it is never sent while another attempt of the same delivery is in flight.
 */
export const redeliver = async (webhookId: string, deliveryId: string): Promise<Delivery> => {
  const target = await loadTarget(webhookId);
  if (!target) throw notFound("webhook", webhookId);
  const indexed = await findDelivery(webhookId, deliveryId);
  const item = indexed && (await getDelivery(deliveryItemKey(indexed)));
  if (!item) throw notFound("webhook_delivery", deliveryId);
  const policy = deliveryPolicy();
  const inFlight = () =>
    new DomainError(
      "conflict",
      "webhook_delivery.in_progress",
      "An attempt of this delivery is in flight. Retry in a minute.",
      { id: deliveryId },
    );
  if (isLeased(item, Date.now())) throw inFlight();
  const claimed = await claimDelivery(item, Date.now(), policy);
  if (!claimed) throw inFlight();
  const recorded = await attemptDelivery(claimed, "manual", target, { policy });
  if (!recorded) throw inFlight();
  return toDelivery(recorded);
};
