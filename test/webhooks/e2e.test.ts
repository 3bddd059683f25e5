import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { Contact } from "#lib/contacts/schema";
import type { Delivery, Webhook } from "#lib/webhooks/schema";
import { verify } from "#lib/webhooks/signature";
import { loadSigningKey, mintToken } from "#local/auth";
import { type LocalRuntime, startLocalRuntime } from "#local/runtime";
import { uniqueTableName } from "#test/support/dynamodb";
import { type ApiClient, createApiClient } from "#test/support/local-runtime";
import { type ReceivedRequest, type Receiver, startReceiver } from "#test/webhooks/receiver";

/**
 * Webhooks end to end through the local runtime: an admin subscribes over HTTP, a salesperson
 * changes a contact over HTTP, and a real receiver on 127.0.0.1 gets the signed delivery from
 * the stream publisher -> bus -> dispatcher chain, and retries from the sweeper's schedule.
 *
 * Time is compressed: the schedules run 600x faster (the sweeper every 100 ms) and the retry
 * waits are scaled by WEBHOOK_RETRY_DELAY_SCALE (read by the handlers on every attempt).
 */
const tableName = uniqueTableName("webhooks-e2e");
let dataDir: string;
let runtime: LocalRuntime;
let receiver: Receiver;
let admin: ApiClient;
let sales: ApiClient;

const start = async () => {
  const shared = inject("dynamoEndpoint");
  runtime = await startLocalRuntime({
    port: 0,
    dataDir,
    inMemory: true,
    dynamoPort: 0,
    dynamoEndpoint: shared,
    tableName,
    quiet: true,
    logError: () => {},
    streamPollIntervalMs: 50,
    scheduleSpeedUp: 600,
  });
  const key = await loadSigningKey(dataDir);
  const tokenFor = (role: "admin" | "sales", userId: string) => {
    const token = mintToken(key, { roles: [role], userId, ttlSeconds: 3600 });
    return () => token;
  };
  admin = createApiClient(runtime.url, tokenFor("admin", "admin-1"));
  sales = createApiClient(runtime.url, tokenFor("sales", "seller-1"));
};

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "crm-webhooks-e2e-"));
  receiver = await startReceiver();
  process.env.WEBHOOK_RETRY_DELAY_SCALE = "0.0005";
  await start();
});

afterAll(async () => {
  await runtime?.stop();
  await receiver?.close();
  delete process.env.WEBHOOK_RETRY_DELAY_SCALE;
  await rm(dataDir, { recursive: true, force: true });
});

const subscribe = async (path: string, eventTypes: string[]) => {
  const response = await admin.post<Webhook & { secret: string }>("/webhooks", {
    url: `${receiver.url}${path}`,
    eventTypes,
  });
  expect(response.status).toBe(201);
  return response.body;
};

const verdictOf = (secret: string, request: ReceivedRequest, nowSeconds?: number) =>
  verify(
    secret,
    {
      id: String(request.headers["webhook-id"]),
      timestamp: String(request.headers["webhook-timestamp"]),
      signature: String(request.headers["webhook-signature"]),
    },
    request.body,
    nowSeconds,
  );

const deliveriesOf = async (webhookId: string) => {
  const response = await admin.get<{ data: Delivery[] }>(`/webhooks/${webhookId}/deliveries`);
  expect(response.status).toBe(200);
  return response.body.data;
};

/** Polls the delivery log until `done` holds (the log is written after the receiver answers). */
const eventually = async <T>(read: () => Promise<T>, done: (value: T) => boolean) => {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
};

const newContact = async (firstName: string) => {
  const created = await sales.post<Contact>("/contacts", { firstName });
  expect(created.status).toBe(201);
  return created.body;
};

describe("webhooks through the local runtime", () => {
  it("delivers a contact change, signed, exactly once", async () => {
    const webhook = await subscribe("/contacts", ["contact.created"]);
    const contact = await newContact("Ada");

    const [request] = await receiver.waitFor("/contacts", 1);
    if (!request) throw new Error("no request");
    expect(request.headers["content-type"]).toBe("application/json");
    expect(verdictOf(webhook.secret, request)).toBe("valid");
    expect(verdictOf("whsec_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", request)).toBe(
      "bad_signature",
    );
    // A replay of the same request after the five-minute window is refused by the receiver.
    const replayedAt = Number(request.headers["webhook-timestamp"]) + 301;
    expect(verdictOf(webhook.secret, request, replayedAt)).toBe("stale");

    const body = JSON.parse(request.body) as Record<string, unknown>;
    expect(body).toMatchObject({
      type: "contact.created",
      entity: "contact",
      id: contact.id,
      version: 1,
      actor: "seller-1",
      data: { id: contact.id, firstName: "Ada" },
    });
    expect(request.headers["webhook-id"]).toBe(body.eventId);

    const deliveries = await eventually(
      () => deliveriesOf(webhook.id),
      (list) => list[0]?.status === "succeeded",
    );
    expect(deliveries).toHaveLength(1);
    expect(deliveries[0]).toMatchObject({
      eventId: body.eventId,
      status: "succeeded",
      attemptCount: 1,
    });
    // Give a duplicate the time to arrive, then check that none did.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(receiver.received.filter((r) => r.path === "/contacts")).toHaveLength(1);
  });

  it("retries a receiver that fails twice, and logs the three attempts", async () => {
    receiver.script("/flaky", 503, 500, 204);
    const webhook = await subscribe("/flaky", ["contact.*"]);
    await newContact("Grace");

    const requests = await receiver.waitFor("/flaky", 3);
    expect(new Set(requests.map((r) => r.headers["webhook-id"])).size).toBe(1);
    expect(requests.every((r) => verdictOf(webhook.secret, r) === "valid")).toBe(true);
    const [delivery] = await eventually(
      () => deliveriesOf(webhook.id),
      (list) => list[0]?.status === "succeeded",
    );
    expect(delivery?.attempts.map((a) => [a.attempt, a.trigger, a.outcome, a.statusCode])).toEqual([
      [1, "initial", "failed", 503],
      [2, "retry", "failed", 500],
      [3, "retry", "succeeded", 204],
    ]);
  });

  it("keeps a queued retry across a restart of the local runtime", async () => {
    // Long enough a wait (about 1.5 s) that the runtime is down when the retry falls due.
    process.env.WEBHOOK_RETRY_DELAY_SCALE = "0.05";
    receiver.script("/restart", 503, 200);
    const webhook = await subscribe("/restart", ["contact.created"]);
    await newContact("Hedy");
    await receiver.waitFor("/restart", 1);
    const pending = await eventually(
      () => deliveriesOf(webhook.id),
      (list) => list[0]?.attemptCount === 1,
    );
    expect(pending[0]).toMatchObject({ status: "pending", attemptCount: 1 });

    await runtime.stop();
    const restartedAt = Date.now();
    await start();

    const requests = await receiver.waitFor("/restart", 2);
    // The retry was sent by the new runtime, from the state it found in DynamoDB.
    expect(requests[1]?.at).toBeGreaterThan(restartedAt);
    expect(requests[1]?.headers["webhook-id"]).toBe(requests[0]?.headers["webhook-id"]);
    const [delivery] = await eventually(
      () => deliveriesOf(webhook.id),
      (list) => list[0]?.status === "succeeded",
    );
    expect(delivery?.attempts.map((a) => a.statusCode)).toEqual([503, 200]);
  });
});
