import { GetCommand } from "@aws-sdk/lib-dynamodb";
import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Principal } from "#lib/auth/principal";
import { documentClient, tableName } from "#lib/db/client";
import { claimDelivery, dueDeliveries, getDelivery } from "#lib/webhooks/delivery-store";
import { dispatchEvent } from "#lib/webhooks/dispatcher";
import { webhookKey } from "#lib/webhooks/keys";
import { DEFAULT_POLICY, type DeliveryPolicy } from "#lib/webhooks/policy";
import {
  createWebhook,
  deleteWebhook,
  getWebhook,
  listDeliveries,
  redeliver,
  setWebhookStatus,
} from "#lib/webhooks/service";
import { verify } from "#lib/webhooks/signature";
import { sweepDueDeliveries } from "#lib/webhooks/sweeper";
import { LOCAL_HOST } from "#local/http-server";
import { freePort } from "#local/ports";
import { createTestTable } from "#test/support/dynamodb";
import { contactCreated, scriptedReceiver } from "#test/webhooks/support";

/**
 * The dispatcher, the sweeper and their bookkeeping against DynamoDB Local, with the HTTP POST
 * replaced by a scripted receiver and the clock passed in, so that hours of retries take no time.
 */
const admin: Principal = { userId: "admin-1", roles: ["admin"] };
const policy: DeliveryPolicy = { ...DEFAULT_POLICY, disableAfterFailedDeliveries: 3 };
const HOUR = 3_600_000;

beforeAll(async () => {
  await createTestTable("webhooks");
});

let clock: number;
const now = () => clock;
beforeEach(() => {
  clock = Date.now();
});

/**
 * The table is shared by the tests of this file, so each test's subscriptions are deleted after
 * it: a later test's events must reach only its own subscriptions (a deleted subscription's
 * pending retries are cancelled by the sweeper, never sent).
 */
const created: string[] = [];
afterEach(async () => {
  for (const id of created.splice(0)) await deleteWebhook(id, undefined, admin);
});

const subscribe = async (eventTypes: string[] = ["contact.*"]) => {
  const webhook = await createWebhook({ url: "https://hooks.example.com/crm", eventTypes }, admin);
  created.push(webhook.id);
  return webhook;
};

/** Sweeps with the clock moved far enough for every retry to be due. */
const sweepLater = (send: ReturnType<typeof scriptedReceiver>["send"], hours = 7) => {
  clock += hours * HOUR;
  return sweepDueDeliveries({ policy, now, send, deadline: clock + 60_000 });
};

describe("dispatching an event", () => {
  it("creates one delivery per matching subscription and signs what it sends", async () => {
    const wanted = await subscribe(["contact.created"]);
    const other = await subscribe(["company.*"]);
    const receiver = scriptedReceiver(200);
    const event = contactCreated();

    const summary = await dispatchEvent(event, { policy, now, send: receiver.send });

    const toWanted = receiver.sent.filter((r) => r.body.includes(event.detail.eventId));
    expect(toWanted).toHaveLength(1);
    const [request] = toWanted;
    expect(summary.created).toBeGreaterThanOrEqual(1);
    expect(request?.headers["webhook-id"]).toBe(event.detail.eventId);
    expect(JSON.parse(request?.body ?? "{}")).toEqual({ type: "contact.created", ...event.detail });
    const verdict = verify(
      wanted.secret,
      {
        id: request?.headers["webhook-id"],
        timestamp: request?.headers["webhook-timestamp"],
        signature: request?.headers["webhook-signature"],
      },
      request?.body ?? "",
      Math.floor(clock / 1000),
    );
    expect(verdict).toBe("valid");
    expect((await listDeliveries(other.id, {})).data).toEqual([]);
    const [delivery] = (await listDeliveries(wanted.id, {})).data;
    expect(delivery).toMatchObject({
      webhookId: wanted.id,
      eventId: event.detail.eventId,
      eventType: "contact.created",
      status: "succeeded",
      attemptCount: 1,
      attempts: [{ attempt: 1, trigger: "initial", outcome: "succeeded", statusCode: 200 }],
    });
    expect(delivery).not.toHaveProperty("body");
    expect(delivery).not.toHaveProperty("claimToken");
  });

  it("creates no second delivery when the bus delivers the same event again", async () => {
    const webhook = await subscribe();
    const receiver = scriptedReceiver(200);
    const event = contactCreated();

    await dispatchEvent(event, { policy, now, send: receiver.send });
    const again = await Promise.all([
      dispatchEvent(event, { policy, now, send: receiver.send }),
      dispatchEvent(event, { policy, now, send: receiver.send }),
    ]);

    const mine = receiver.sent.filter((r) => r.url && r.body.includes(event.detail.eventId));
    const deliveries = (await listDeliveries(webhook.id, {})).data;
    expect(deliveries.filter((d) => d.eventId === event.detail.eventId)).toHaveLength(1);
    expect(again.every((s) => s.created === 0 && s.duplicates === s.matched)).toBe(true);
    // Every active subscription matching contact.* got it once, not three times.
    expect(mine.length).toBe(again[0]?.matched);
  });

  it("never sends a subscription's own events to it", async () => {
    const webhook = await subscribe(["*"]);
    const receiver = scriptedReceiver(200);
    const aboutItself = {
      ...contactCreated(),
      "detail-type": "webhook.updated",
      detail: { ...contactCreated().detail, entity: "webhook", id: webhook.id },
    };
    await dispatchEvent(aboutItself, { policy, now, send: receiver.send });
    expect((await listDeliveries(webhook.id, {})).data).toEqual([]);
  });
});

describe("retries", () => {
  it("retries a failing receiver from the due list until it answers 2xx, logging each attempt", async () => {
    const webhook = await subscribe(["contact.created"]);
    const receiver = scriptedReceiver(503, "timeout", 200);
    const event = contactCreated();
    await dispatchEvent(event, { policy, now, send: receiver.send });

    await sweepLater(receiver.send);
    await sweepLater(receiver.send);

    const delivery = (await listDeliveries(webhook.id, {})).data.find(
      (d) => d.eventId === event.detail.eventId,
    );
    expect(delivery?.status).toBe("succeeded");
    expect(delivery?.attempts.map((a) => [a.attempt, a.trigger, a.outcome, a.statusCode])).toEqual([
      [1, "initial", "failed", 503],
      [2, "retry", "failed", undefined],
      [3, "retry", "succeeded", 200],
    ]);
    expect(delivery?.attempts[1]?.error).toMatch(/No response within/);
    expect(delivery?.nextAttemptAt).toBeUndefined();
  });

  it("does not retry a 4xx other than 408 and 429", async () => {
    const webhook = await subscribe(["contact.created"]);
    const receiver = scriptedReceiver(404);
    await dispatchEvent(contactCreated(), { policy, now, send: receiver.send });
    await sweepLater(receiver.send);
    const [delivery] = (await listDeliveries(webhook.id, {})).data;
    expect(delivery).toMatchObject({ status: "failed", attemptCount: 1 });
    expect(delivery?.statusReason).toMatch(/HTTP 404 is not retried/);
  });

  it("lets only one of two racing sweepers send each due attempt", async () => {
    const webhook = await subscribe(["contact.updated"]);
    const failing = scriptedReceiver(500);
    const events = Array.from({ length: 12 }, () => ({
      ...contactCreated(),
      "detail-type": "contact.updated",
    }));
    for (const event of events) await dispatchEvent(event, { policy, now, send: failing.send });

    clock += HOUR;
    const receiver = scriptedReceiver(200);
    const sweep = () =>
      sweepDueDeliveries({
        policy,
        now,
        send: receiver.send,
        deadline: clock + 60_000,
        pageSize: 5,
      });
    const [a, b] = await Promise.all([sweep(), sweep()]);

    const mine = receiver.sent.filter((r) => r.url && r.body.includes('"contact.updated"'));
    const ids = mine.map((r) => r.headers["webhook-id"]);
    expect(new Set(ids).size).toBe(ids.length);
    expect(new Set(ids)).toEqual(new Set(events.map((e) => e.detail.eventId)));
    expect((a?.attempted ?? 0) + (b?.attempted ?? 0)).toBeGreaterThanOrEqual(12);
    const deliveries = (await listDeliveries(webhook.id, {})).data;
    expect(deliveries.every((d) => d.status === "succeeded" && d.attemptCount === 2)).toBe(true);
  });

  it("grants a claim once when two runners hold the same read", async () => {
    const webhook = await subscribe(["contact.deleted"]);
    const failing = scriptedReceiver(500);
    const event = { ...contactCreated(), "detail-type": "contact.deleted" };
    await dispatchEvent(event, { policy, now, send: failing.send });
    const [listed] = (await listDeliveries(webhook.id, {})).data;
    const due = (await dueDeliveries(clock + HOUR, 100)).items.find((i) => i.id === listed?.id);
    expect(due).toBeDefined();
    if (!due) return;
    const claims = await Promise.all([
      claimDelivery(due, clock + HOUR, policy),
      claimDelivery(due, clock + HOUR, policy),
    ]);
    expect(claims.filter(Boolean)).toHaveLength(1);
  });

  it("takes up an attempt whose runner died once its lease is over", async () => {
    const webhook = await subscribe(["contact.created"]);
    const dead = async () => {
      throw new Error("the function was stopped");
    };
    await expect(dispatchEvent(contactCreated(), { policy, now, send: dead })).rejects.toThrow(
      /stopped/,
    );
    const receiver = scriptedReceiver(200);
    clock += policy.leaseMs + 1_000;
    await sweepDueDeliveries({ policy, now, send: receiver.send, deadline: clock + 60_000 });
    const [delivery] = (await listDeliveries(webhook.id, {})).data;
    expect(delivery).toMatchObject({ status: "succeeded", attemptCount: 1 });
  });
});

describe("a subscription that keeps failing", () => {
  it("is disabled after the threshold of failed deliveries, once, with changeVerb disabled", async () => {
    const webhook = await subscribe(["company.updated"]);
    const gone = scriptedReceiver(410);
    for (let i = 0; i < policy.disableAfterFailedDeliveries + 1; i++) {
      await dispatchEvent(
        { ...contactCreated(), "detail-type": "company.updated" },
        { policy, now, send: gone.send },
      );
    }

    const disabled = await getWebhook(webhook.id);
    expect(disabled.status).toBe("disabled");
    expect(disabled.disabledReason).toMatch(/3 deliveries in a row failed/);
    expect(disabled.version).toBe(2);
    expect(disabled).not.toHaveProperty("changeVerb");
    const { Item } = await documentClient.send(
      new GetCommand({ TableName: tableName(), Key: webhookKey(webhook.id) }),
    );
    expect(Item?.changeVerb).toBe("disabled");
    // The fourth event found no active subscription.
    expect((await listDeliveries(webhook.id, {})).data).toHaveLength(3);
  });

  it("starts a clean streak when resumed, and a success resets the streak", async () => {
    const webhook = await subscribe(["company.created"]);
    const event = () => ({ ...contactCreated(), "detail-type": "company.created" });
    const gone = scriptedReceiver(410);
    for (let i = 0; i < 3; i++) await dispatchEvent(event(), { policy, now, send: gone.send });
    expect((await getWebhook(webhook.id)).status).toBe("disabled");

    const resumed = await setWebhookStatus(webhook.id, "active", undefined, admin);
    expect(resumed).not.toHaveProperty("disabledReason");
    const flaky = scriptedReceiver(410, 410, 200, 410, 410);
    for (let i = 0; i < 5; i++) await dispatchEvent(event(), { policy, now, send: flaky.send });
    expect((await getWebhook(webhook.id)).status).toBe("active");
  });

  it("cancels pending retries of a paused subscription", async () => {
    const webhook = await subscribe(["contact.created"]);
    await dispatchEvent(contactCreated(), { policy, now, send: scriptedReceiver(503).send });
    await setWebhookStatus(webhook.id, "paused", undefined, admin);
    const receiver = scriptedReceiver(200);
    await sweepLater(receiver.send);
    const [delivery] = (await listDeliveries(webhook.id, {})).data;
    expect(delivery).toMatchObject({ status: "cancelled", attemptCount: 1 });
    expect(delivery?.statusReason).toMatch(/paused/);
    expect(receiver.sent.filter((r) => r.url && r.body.includes(delivery?.eventId ?? "-"))).toEqual(
      [],
    );
  });
});

describe("redelivery by hand", () => {
  it("sends a failed delivery again now, as one more attempt", async () => {
    // A free port on loopback: nothing listens, so the real POST fails at once.
    const port = await freePort(LOCAL_HOST);
    const webhook = await createWebhook(
      { url: `http://127.0.0.1:${port}/hook`, eventTypes: ["contact.created"] },
      admin,
    );
    created.push(webhook.id);
    await dispatchEvent(contactCreated(), { policy, now, send: scriptedReceiver(400).send });
    const [failed] = (await listDeliveries(webhook.id, {})).data;
    expect(failed?.status).toBe("failed");
    if (!failed) return;

    const redelivered = await redeliver(webhook.id, failed.id);
    expect(redelivered.attempts.map((a) => [a.attempt, a.trigger])).toEqual([
      [1, "initial"],
      [2, "manual"],
    ]);
    expect(redelivered.attempts[1]).toMatchObject({ outcome: "failed", retryable: true });
    expect(redelivered.attempts[1]?.error).toMatch(/ECONNREFUSED/);
    expect(redelivered.status).toBe("failed");
    const item = await getDelivery({
      pk: `webhook#${webhook.id}`,
      sk: `delivery#${failed.eventId}`,
    });
    expect(item?.automaticAttempts).toBe(1);
    expect(item?.claimToken).toBeUndefined();
  });
});
