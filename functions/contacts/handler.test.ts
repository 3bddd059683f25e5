import {
  DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
} from "@aws-sdk/lib-dynamodb";
import { mockClient } from "aws-sdk-client-mock";
import { beforeEach, describe, expect, it } from "vitest";
import { handler } from "#functions/contacts/handler";
import type { ApiEvent } from "#lib/http/api-event";
import { apiEvent, type EventOptions, invoke } from "#test/support/api-gateway-event";

/**
 * The shared HTTP middleware, exercised through a real handler with DynamoDB faked: every kind
 * of bad request is refused before any write, and an outage becomes a 503 with Retry-After.
 * (The same paths against real DynamoDB Local are covered by the end-to-end tests.)
 */
process.env.TABLE_NAME ??= "unit-test-table";
const dynamo = mockClient(DynamoDBDocumentClient);

const event = (over: Partial<EventOptions> = {}) =>
  apiEvent({ routeKey: "POST /contacts", body: { firstName: "Ada" }, ...over });

const invokeContacts = async (e: ApiEvent) => {
  const result = await invoke(handler, e);
  return { ...result, problem: result.json };
};

beforeEach(() => {
  dynamo.reset();
  // Custom field definitions: none.
  dynamo.on(QueryCommand).resolves({ Items: [] });
});

describe("requests refused before anything is stored", () => {
  const refused = [
    {
      name: "no subject in the token",
      event: event({ sub: null }),
      status: 401,
      code: "auth.unauthenticated",
    },
    {
      name: "a role not allowed to write",
      event: event({ roles: "[read-only]" }),
      status: 403,
      code: "auth.forbidden",
    },
    { name: "no role at all", event: event({ roles: "[]" }), status: 403, code: "auth.forbidden" },
    {
      name: "malformed JSON",
      event: event({ body: '{"firstName":' }),
      status: 400,
      code: "request.malformed_json",
    },
    {
      name: "an unknown field",
      event: event({ body: { firstName: "Ada", isAdmin: true } }),
      status: 400,
      code: "request.validation_failed",
    },
    {
      name: "a wrong type",
      event: event({ body: { firstName: "Ada", tags: "vip" } }),
      status: 400,
      code: "request.validation_failed",
    },
    {
      name: "a missing body",
      event: event({ body: undefined }),
      status: 400,
      code: "request.body_required",
    },
    {
      name: "an oversized body",
      event: event({ body: { firstName: "A", jobTitle: "x".repeat(70_000) } }),
      status: 413,
      code: "request.body_too_large",
    },
    {
      name: "a body that is not JSON",
      event: event({ headers: { "content-type": "text/plain" } }),
      status: 415,
      code: "request.unsupported_media_type",
    },
    {
      name: "an invalid Idempotency-Key",
      event: event({
        headers: { "content-type": "application/json", "idempotency-key": "has space" },
      }),
      status: 400,
      code: "idempotency.invalid_key",
    },
  ];

  for (const { name, event: e, status, code } of refused) {
    it(`answers ${status} problem+json to ${name}`, async () => {
      const result = await invokeContacts(e);
      expect(result.statusCode).toBe(status);
      expect(result.headers?.["content-type"]).toBe("application/problem+json");
      expect(result.problem).toMatchObject({ status, code, requestId: "req-1" });
      expect(dynamo.commandCalls(TransactWriteCommand)).toHaveLength(0);
    });
  }

  it("lists every invalid field with its path", async () => {
    const result = await invokeContacts(
      event({ body: { firstName: 1, emails: ["nope"], lifecycleStage: "x", extra: 1 } }),
    );
    const errors = (result.problem?.errors ?? []) as { path: string }[];
    const paths = errors.map((e) => e.path);
    expect(paths).toEqual(
      expect.arrayContaining(["body.firstName", "body.emails.0", "body.lifecycleStage", "body"]),
    );
  });

  it("refuses a malformed path id and an If-Match that is not an ETag", async () => {
    const base = { routeKey: "PATCH /contacts/{contactId}", body: { jobTitle: "CTO" } };
    const badId = await invokeContacts(event({ ...base, pathParameters: { contactId: "123" } }));
    expect(badId.statusCode).toBe(400);
    const badEtag = await invokeContacts(
      event({
        ...base,
        pathParameters: { contactId: "con_01J00000000000000000000000" },
        headers: { "content-type": "application/json", "if-match": "three" },
      }),
    );
    expect(badEtag.statusCode).toBe(412);
    expect(dynamo.commandCalls(GetCommand)).toHaveLength(0);
  });
});

describe("dependency failures", () => {
  it("answers 503 with Retry-After when DynamoDB is unavailable", async () => {
    dynamo
      .on(TransactWriteCommand)
      .rejects(Object.assign(new Error("unavailable"), { name: "ServiceUnavailable" }));
    const result = await invokeContacts(event());
    expect(result.statusCode).toBe(503);
    expect(result.headers?.["retry-after"]).toBe("1");
    expect(result.problem).toMatchObject({ code: "service.unavailable" });
  });

  it("answers 500 without internals for a bug", async () => {
    dynamo.on(TransactWriteCommand).rejects(new TypeError("cannot read x of undefined"));
    const result = await invokeContacts(event());
    expect(result.statusCode).toBe(500);
    expect(result.body).not.toContain("cannot read");
  });
});

describe("a valid create", () => {
  it("writes the contact and answers 201 with ETag and Location", async () => {
    dynamo.on(TransactWriteCommand).resolves({});
    const result = await invokeContacts(
      event({ body: { firstName: "Ada", emails: ["ADA@x.io"] } }),
    );
    expect(result.statusCode).toBe(201);
    expect(result.headers?.etag).toBe('"1"');
    expect(result.headers?.location).toMatch(/^\/contacts\/con_[0-9A-Z]{26}$/);
    const items = dynamo.commandCalls(TransactWriteCommand)[0]?.args[0].input.TransactItems ?? [];
    // The record, its email guard, and the custom-field revision check.
    expect(items.map((i) => Object.keys(i)[0])).toEqual(["Put", "Put", "ConditionCheck"]);
    expect(items[1]?.Put?.Item?.pk).toBe("contact#email#ada@x.io");
  });
});
