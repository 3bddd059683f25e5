import { GetCommand } from "@aws-sdk/lib-dynamodb";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { handler } from "#functions/webhooks/handler";
import { documentClient, tableName } from "#lib/db/client";
import { secretKey, webhookKey } from "#lib/webhooks/keys";
import { keyOfSecret } from "#lib/webhooks/signature";
import { apiEvent, type EventOptions, invoke } from "#test/support/api-gateway-event";
import { createTestTable } from "#test/support/dynamodb";

/**
 * The webhooks API through its real handler (middleware, validation, roles) against DynamoDB
 * Local: what admins can do, what everyone else cannot, and that the secret is shown once.
 */
beforeAll(async () => {
  await createTestTable("webhooks-api");
});
afterEach(() => {
  delete process.env.WEBHOOK_ALLOW_HTTP_LOOPBACK;
});

const call = (options: EventOptions) => invoke(handler, apiEvent({ roles: "[admin]", ...options }));

const create = (body: unknown, over: Partial<EventOptions> = {}) =>
  call({ routeKey: "POST /webhooks", body, ...over });

const valid = {
  url: "https://hooks.example.com/crm",
  eventTypes: ["contact.created", "company.*"],
};

const on = (routeKey: string, webhookId: string, over: Partial<EventOptions> = {}) =>
  call({
    routeKey,
    path: routeKey.split(" ")[1]?.replace("{webhookId}", webhookId),
    pathParameters: { webhookId },
    ...over,
  });

const fieldErrors = (json: Record<string, unknown> | undefined) =>
  (json?.errors as { path: string; message: string }[] | undefined) ?? [];

describe("subscribing", () => {
  it("creates an active subscription and shows its secret once", async () => {
    const created = await create({ ...valid, description: "Marketing sync" });
    expect(created.statusCode).toBe(201);
    expect(created.json).toMatchObject({
      ...valid,
      description: "Marketing sync",
      status: "active",
      version: 1,
      createdBy: "user-1",
    });
    const id = String(created.json?.id);
    expect(id).toMatch(/^wh_[0-9A-Z]{26}$/);
    expect(created.headers?.location).toBe(`/webhooks/${id}`);
    expect(created.headers?.etag).toBe('"1"');
    const secret = String(created.json?.secret);
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);

    const read = await on("GET /webhooks/{webhookId}", id);
    expect(read.statusCode).toBe(200);
    expect(read.json).not.toHaveProperty("secret");
    expect(read.body).not.toContain(secret.slice(6));
    const listed = await call({ routeKey: "GET /webhooks" });
    expect(listed.body).not.toContain(secret.slice(6));
    expect(((listed.json?.data ?? []) as { id: string }[]).map((w) => w.id)).toContain(id);

    // The record itself (which the publisher turns into events) holds no key; the key item does.
    const { Item: record } = await documentClient.send(
      new GetCommand({ TableName: tableName(), Key: webhookKey(id) }),
    );
    expect(JSON.stringify(record)).not.toContain(secret.slice(6));
    const { Item: key } = await documentClient.send(
      new GetCommand({ TableName: tableName(), Key: secretKey(id) }),
    );
    expect(Buffer.from(String(key?.key), "base64")).toEqual(keyOfSecret(secret));
  });

  it.each([
    ["plain http", { ...valid, url: "http://hooks.example.com/crm" }, "body.url", /https/],
    [
      "http to localhost outside the local runtime",
      { ...valid, url: "http://localhost:9000/h" },
      "body.url",
      /https/,
    ],
    [
      "an internal address",
      { ...valid, url: "https://169.254.169.254/x" },
      "body.url",
      /link-local/,
    ],
    ["not a URL", { ...valid, url: "hooks" }, "body.url", /valid absolute URL/],
    [
      "an unknown event type",
      { ...valid, eventTypes: ["contact.merged"] },
      "body.eventTypes.0",
      /Unknown event type/,
    ],
    [
      "an unknown entity",
      { ...valid, eventTypes: ["invoice.*"] },
      "body.eventTypes.0",
      /No events exist/,
    ],
    [
      "a malformed filter",
      { ...valid, eventTypes: ["contact"] },
      "body.eventTypes.0",
      /not an event type/,
    ],
    ["no event types", { ...valid, eventTypes: [] }, "body.eventTypes", /./],
    ["duplicate event types", { ...valid, eventTypes: ["*", "*"] }, "body.eventTypes", /unique/],
    ["an unknown field", { ...valid, secret: "whsec_mine" }, "body", /secret/],
    ["a status", { ...valid, status: "disabled" }, "body", /status/],
  ])("refuses %s with a 400 naming the field", async (_name, body, path, message) => {
    const refused = await create(body);
    expect(refused.statusCode).toBe(400);
    expect(refused.headers?.["content-type"]).toBe("application/problem+json");
    const error = fieldErrors(refused.json).find((e) => e.path === path);
    expect(error?.message ?? JSON.stringify(refused.json)).toMatch(message);
  });

  it("accepts http to localhost when the local runtime allows it", async () => {
    process.env.WEBHOOK_ALLOW_HTTP_LOOPBACK = "true";
    const created = await create({ ...valid, url: "http://127.0.0.1:9000/hook" });
    expect(created.statusCode).toBe(201);
    const remote = await create({ ...valid, url: "http://hooks.example.com/crm" });
    expect(remote.statusCode).toBe(400);
  });

  it("replays the first response for a repeated Idempotency-Key", async () => {
    const headers = { "idempotency-key": "wh-create-1" };
    const first = await create(valid, { headers });
    const again = await create(valid, { headers });
    expect(again.statusCode).toBe(201);
    expect(again.json?.id).toBe(first.json?.id);
    expect(again.headers?.["idempotent-replayed"]).toBe("true");
  });
});

describe("only admins", () => {
  it.each([
    ["POST /webhooks", {}],
    ["GET /webhooks", {}],
    ["GET /webhooks/{webhookId}", {}],
    ["PATCH /webhooks/{webhookId}", { body: { description: "x" } }],
    ["DELETE /webhooks/{webhookId}", {}],
    ["POST /webhooks/{webhookId}/pause", {}],
    ["POST /webhooks/{webhookId}/resume", {}],
    ["POST /webhooks/{webhookId}/rotate-secret", {}],
    ["GET /webhooks/{webhookId}/deliveries", {}],
  ])("%s is a 403 for sales, support, marketing and read-only", async (routeKey, over) => {
    for (const roles of ["[sales]", "[support]", "[marketing]", "[read-only]"]) {
      const refused = await call({
        routeKey,
        pathParameters: { webhookId: "wh_01JD7QB2C3D4E5F6G7H8J9K0M1" },
        body: valid,
        ...over,
        roles,
      });
      expect(refused.statusCode).toBe(403);
    }
  });
});

describe("managing a subscription", () => {
  it("changes filters with If-Match, and answers 412 on a stale version", async () => {
    const id = String((await create(valid)).json?.id);
    const patched = await on("PATCH /webhooks/{webhookId}", id, {
      body: { eventTypes: ["*"], description: "All of it" },
      headers: { "if-match": '"1"' },
    });
    expect(patched.statusCode).toBe(200);
    expect(patched.json).toMatchObject({ eventTypes: ["*"], description: "All of it", version: 2 });
    const stale = await on("PATCH /webhooks/{webhookId}", id, {
      body: { description: null },
      headers: { "if-match": '"1"' },
    });
    expect(stale.statusCode).toBe(412);
    const badUrl = await on("PATCH /webhooks/{webhookId}", id, {
      body: { url: "ftp://x.example" },
    });
    expect(badUrl.statusCode).toBe(400);
  });

  it("pauses and resumes; asking for the current status changes nothing", async () => {
    const id = String((await create(valid)).json?.id);
    const paused = await on("POST /webhooks/{webhookId}/pause", id);
    expect(paused.json).toMatchObject({ status: "paused", version: 2 });
    const again = await on("POST /webhooks/{webhookId}/pause", id);
    expect(again.json).toMatchObject({ status: "paused", version: 2 });
    const byStatus = await call({ routeKey: "GET /webhooks", query: { status: "paused" } });
    expect(((byStatus.json?.data ?? []) as { id: string }[]).map((w) => w.id)).toContain(id);
    const resumed = await on("POST /webhooks/{webhookId}/resume", id, {
      headers: { "if-match": '"2"' },
    });
    expect(resumed.json).toMatchObject({ status: "active", version: 3 });
  });

  it("rotates the secret: a new one, shown once", async () => {
    const created = await create(valid);
    const id = String(created.json?.id);
    const rotated = await on("POST /webhooks/{webhookId}/rotate-secret", id);
    expect(rotated.statusCode).toBe(200);
    expect(rotated.json?.secret).toMatch(/^whsec_/);
    expect(rotated.json?.secret).not.toBe(created.json?.secret);
    expect(rotated.json?.secretRotatedAt).toEqual(expect.any(String));
    const read = await on("GET /webhooks/{webhookId}", id);
    expect(read.json).not.toHaveProperty("secret");
  });

  it("deletes, after which the subscription and its deliveries are 404s", async () => {
    const id = String((await create(valid)).json?.id);
    expect((await on("DELETE /webhooks/{webhookId}", id)).statusCode).toBe(204);
    expect((await on("GET /webhooks/{webhookId}", id)).statusCode).toBe(404);
    expect((await on("GET /webhooks/{webhookId}/deliveries", id)).statusCode).toBe(404);
    const { Item } = await documentClient.send(
      new GetCommand({ TableName: tableName(), Key: secretKey(id) }),
    );
    expect(Item).toBeUndefined();
  });

  it("answers 404 for an unknown subscription or delivery, and 400 for a malformed id", async () => {
    const missing = "wh_01JD7QB2C3D4E5F6G7H8J9K0M1";
    expect((await on("GET /webhooks/{webhookId}", missing)).statusCode).toBe(404);
    expect((await on("POST /webhooks/{webhookId}/pause", missing)).statusCode).toBe(404);
    expect((await on("GET /webhooks/{webhookId}", "con_1")).statusCode).toBe(400);
    const id = String((await create(valid)).json?.id);
    const redeliver = await call({
      routeKey: "POST /webhooks/{webhookId}/deliveries/{deliveryId}/redeliver",
      pathParameters: { webhookId: id, deliveryId: "whd_01JD7QB2C3D4E5F6G7H8J9K0M1" },
    });
    expect(redeliver.statusCode).toBe(404);
    expect(redeliver.json?.code).toBe("webhook_delivery.not_found");
    const deliveries = await on("GET /webhooks/{webhookId}/deliveries", id);
    expect(deliveries.json).toEqual({ data: [], nextCursor: null });
  });
});
