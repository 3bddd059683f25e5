import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { handler } from "#functions/history/handler";
import { recordHistory } from "#lib/history/service";
import { busEvent } from "#test/fixtures/bus-events/index";
import { apiEvent, invoke } from "#test/support/api-gateway-event";
import { createTestTable } from "#test/support/dynamodb";

const contactId = "con_01JNQ8V4ZK3M5N7P9Q1R2S3T4V";
const companyId = "co_01JNQ8W0A1B2C3D4E5F6G7H8J9";

const contactHistory = (options: {
  id?: string;
  query?: Record<string, string>;
  roles?: string;
  sub?: string | null;
}) =>
  invoke(
    handler,
    apiEvent({
      routeKey: "GET /contacts/{contactId}/history",
      path: `/contacts/${options.id ?? contactId}/history`,
      pathParameters: { contactId: options.id ?? contactId },
      ...(options.query ? { query: options.query } : {}),
      ...(options.roles ? { roles: options.roles } : {}),
      ...(options.sub === undefined ? {} : { sub: options.sub }),
    }),
  );

beforeAll(async () => {
  await createTestTable("history-api");
  await recordHistory(busEvent("contact.created"));
  await recordHistory(busEvent("contact.updated"));
  await recordHistory(busEvent("company.updated"));
});

describe("GET /contacts/{contactId}/history", () => {
  it("serves every role, newest first, paged by cursor", async () => {
    for (const roles of ["[read-only]", "[marketing]", "[support]", "[sales]", "[admin]"]) {
      const response = await contactHistory({ roles, query: { limit: "1" } });
      expect(response.statusCode, roles).toBe(200);
      expect(response.json?.data).toEqual([
        expect.objectContaining({ type: "contact.updated", actor: "support-7" }),
      ]);
    }
    const first = await contactHistory({ query: { limit: "1" } });
    const second = await contactHistory({
      query: { limit: "1", cursor: String(first.json?.nextCursor) },
    });
    expect(second.json).toMatchObject({
      data: [{ type: "contact.created", version: 1 }],
      nextCursor: null,
    });
  });

  it("answers 404 for a contact that never existed", async () => {
    const response = await contactHistory({ id: "con_01JNQ8V4ZK3M5N7P9Q1R2S3T00" });
    expect(response.statusCode).toBe(404);
    expect(response.headers?.["content-type"]).toBe("application/problem+json");
    expect(response.json).toMatchObject({ code: "contact.not_found" });
  });

  it("refuses a malformed cursor, a bad limit, unknown parameters and a malformed id", async () => {
    const cases: { query?: Record<string, string>; id?: string; path: string }[] = [
      { query: { cursor: "not-a-cursor" }, path: "query.cursor" },
      { query: { limit: "0" }, path: "query.limit" },
      { query: { limit: "101" }, path: "query.limit" },
      { query: { since: "yesterday" }, path: "query" },
      { id: "co_01JNQ8W0A1B2C3D4E5F6G7H8J9", path: "params.contactId" },
    ];
    for (const { path, ...request } of cases) {
      const response = await contactHistory(request);
      expect(response.statusCode, JSON.stringify(request)).toBe(400);
      const errors = response.json?.errors as { path: string }[];
      expect(errors.map((e) => e.path)).toContain(path);
    }
  });

  it("needs a token", async () => {
    expect((await contactHistory({ sub: null })).statusCode).toBe(401);
  });
});

describe("GET /companies/{companyId}/history", () => {
  it("serves the company's entries, not the contact's", async () => {
    const response = await invoke(
      handler,
      apiEvent({
        routeKey: "GET /companies/{companyId}/history",
        path: `/companies/${companyId}/history`,
        pathParameters: { companyId },
        roles: "[read-only]",
      }),
    );
    expect(response.statusCode).toBe(200);
    expect(response.json).toEqual({
      data: [
        {
          eventId: "7b8c9d0e-1f2a-4b3c-8d4e-5f6a7b8c9d0e",
          occurredAt: "2026-03-02T11:00:00.000Z",
          actor: "seller-1",
          type: "company.updated",
          version: 3,
          changes: [
            { field: "customFields", from: {}, to: { tier: "gold" } },
            { field: "name", from: "Analytical Engines", to: "Analytical Engines Ltd" },
          ],
        },
      ],
      nextCursor: null,
    });
  });
});

describe("GET /{deals|leads|tickets}/{id}/history", () => {
  const records = [
    {
      entity: "deal",
      collection: "deals",
      idParam: "dealId",
      id: "deal_01JNQ8X0A1B2C3D4E5F6G7H8J9",
    },
    {
      entity: "lead",
      collection: "leads",
      idParam: "leadId",
      id: "lead_01JNQ8X0A1B2C3D4E5F6G7H8J9",
    },
    {
      entity: "ticket",
      collection: "tickets",
      idParam: "ticketId",
      id: "tkt_01JNQ8X0A1B2C3D4E5F6G7H8J9",
    },
  ] as const;
  const historyOf = (record: (typeof records)[number], id: string = record.id) =>
    invoke(
      handler,
      apiEvent({
        routeKey: `GET /${record.collection}/{${record.idParam}}/history`,
        path: `/${record.collection}/${id}/history`,
        pathParameters: { [record.idParam]: id },
        roles: "[read-only]",
      }),
    );

  it("serves each record's own entries, with the changes of its event", async () => {
    for (const record of records) {
      await recordHistory(
        busEvent(
          "company.updated",
          { entity: record.entity, id: record.id, eventId: randomUUID() },
          `${record.entity}.updated`,
        ),
      );
    }
    for (const record of records) {
      const response = await historyOf(record);
      expect(response.statusCode, record.entity).toBe(200);
      expect(response.json, record.entity).toEqual({
        data: [
          expect.objectContaining({
            type: `${record.entity}.updated`,
            actor: "seller-1",
            changes: [
              { field: "customFields", from: {}, to: { tier: "gold" } },
              { field: "name", from: "Analytical Engines", to: "Analytical Engines Ltd" },
            ],
          }),
        ],
        nextCursor: null,
      });
    }
  });

  it("answers 404 for a record that never existed, and 400 for an id of another entity", async () => {
    for (const record of records) {
      const unknown = await historyOf(record, record.id.replace(/J9$/, "K0"));
      expect(unknown.statusCode, record.entity).toBe(404);
      expect(unknown.json, record.entity).toMatchObject({ code: `${record.entity}.not_found` });
      const foreign = await historyOf(record, contactId);
      expect(foreign.statusCode, record.entity).toBe(400);
      const errors = foreign.json?.errors as { path: string }[];
      expect(errors.map((e) => e.path)).toContain(`params.${record.idParam}`);
    }
  });
});
