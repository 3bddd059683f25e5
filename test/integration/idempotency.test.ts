import { PutCommand } from "@aws-sdk/lib-dynamodb";
import { beforeAll, describe, expect, it } from "vitest";
import { handler } from "#functions/contacts/handler";
import { listContacts } from "#lib/contacts/service";
import { documentClient, tableName } from "#lib/db/client";
import { claim, idempotencyKeys } from "#lib/http/idempotency-store";
import { apiEvent, invoke } from "#test/support/api-gateway-event";
import { createTestTable } from "#test/support/dynamodb";

const create = (key: string, body: unknown, sub = "user-1") =>
  invoke(
    handler,
    apiEvent({
      routeKey: "POST /contacts",
      body,
      sub,
      headers: { "content-type": "application/json", "idempotency-key": key },
    }),
  );

beforeAll(async () => {
  await createTestTable();
});

describe("Idempotency-Key on POST /contacts", () => {
  it("replays the first response, headers and all, and creates one contact", async () => {
    const body = { firstName: "Once", emails: ["once@example.com"] };
    const first = await create("key-replay", body);
    const second = await create("key-replay", { emails: ["once@example.com"], firstName: "Once" });
    expect(first.statusCode).toBe(201);
    expect(second.statusCode).toBe(201);
    expect(second.body).toBe(first.body);
    expect(second.headers?.location).toBe(first.headers?.location);
    expect(second.headers?.etag).toBe(first.headers?.etag);
    expect(second.headers?.["idempotent-replayed"]).toBe("true");
    expect((await listContacts({ email: "once@example.com" })).data).toHaveLength(1);
  });

  it("answers 422 to the same key with a different body, and stores nothing new", async () => {
    await create("key-mismatch", { firstName: "Original" });
    const reused = await create("key-mismatch", { firstName: "Different" });
    expect(reused.statusCode).toBe(422);
    expect(reused.json).toMatchObject({ code: "idempotency.key_reused" });
    expect((await listContacts({ q: "different" })).data).toEqual([]);
  });

  it("scopes keys per caller: another user's identical key is a separate request", async () => {
    const mine = await create("shared-key", { firstName: "Scoped" }, "user-a");
    const theirs = await create("shared-key", { firstName: "Scoped" }, "user-b");
    expect(theirs.statusCode).toBe(201);
    expect(theirs.json?.id).not.toBe(mine.json?.id);
  });

  it("runs concurrent retries with one key once: one 201, the others replay it or are told to retry", async () => {
    const body = { firstName: "Concurrent", emails: ["concurrent@example.com"] };
    const results = await Promise.all(
      Array.from({ length: 5 }, () => create("key-concurrent", body)),
    );
    const statuses = results.map((r) => r.statusCode);
    expect(statuses.filter((s) => s === 201).length).toBeGreaterThanOrEqual(1);
    expect(statuses.every((s) => s === 201 || s === 409)).toBe(true);
    const ids = new Set(results.filter((r) => r.statusCode === 201).map((r) => r.json?.id));
    expect(ids.size).toBe(1);
    for (const busy of results.filter((r) => r.statusCode === 409)) {
      expect(busy.json).toMatchObject({ code: "idempotency.in_progress" });
      expect(busy.headers?.["retry-after"]).toBe("1");
    }
    expect((await listContacts({ email: "concurrent@example.com" })).data).toHaveLength(1);
  });

  it("lets a failed request be retried with the same key", async () => {
    const taken = { firstName: "Taken", emails: ["taken@example.com"] };
    await create("key-first-owner", taken);
    const conflict = await create("key-retry", {
      firstName: "Later",
      emails: ["taken@example.com"],
    });
    expect(conflict.statusCode).toBe(409);
    // The same key and body again: executed again (not a replay of the 409), and refused again.
    const again = await create("key-retry", { firstName: "Later", emails: ["taken@example.com"] });
    expect(again.statusCode).toBe(409);
    expect(again.headers?.["idempotent-replayed"]).toBeUndefined();
  });
});

describe("idempotency records", () => {
  it("treats an expired record as absent, since DynamoDB deletes expired items late", async () => {
    const keys = idempotencyKeys("expired-scope");
    await documentClient.send(
      new PutCommand({
        TableName: tableName(),
        Item: {
          ...keys,
          status: "completed",
          fingerprint: "old",
          response: "{}",
          ttl: Math.floor(Date.now() / 1000) - 60,
        },
      }),
    );
    expect((await claim("expired-scope", "new")).kind).toBe("claimed");
  });

  it("takes over a claim abandoned by a crashed request once its lock lapses", async () => {
    const now = Date.now();
    expect((await claim("abandoned", "f", now)).kind).toBe("claimed");
    expect((await claim("abandoned", "f", now + 1_000)).kind).toBe("in_progress");
    expect((await claim("abandoned", "f", now + 31_000)).kind).toBe("claimed");
  });
});
