import { beforeAll, describe, expect, it } from "vitest";
import { handler } from "#functions/event-feed/handler";
import { recordFeedEvent } from "#lib/event-feed/recorder";
import { MAX_TYPES } from "#lib/event-feed/schema";
import { busEvent } from "#test/fixtures/bus-events/index";
import { apiEvent, invoke } from "#test/support/api-gateway-event";
import { createTestTable } from "#test/support/dynamodb";

const listEvents = (query?: Record<string, string>, roles = "[read-only]") =>
  invoke(
    handler,
    apiEvent({ routeKey: "GET /events", path: "/events", roles, ...(query ? { query } : {}) }),
  );

const errorPathsOf = (json: Record<string, unknown> | undefined) =>
  ((json?.errors ?? []) as { path: string }[]).map((e) => e.path);

beforeAll(async () => {
  await createTestTable("feed-api");
  // Reached the feed a minute ago: settled, so the API serves them now.
  const at = Date.now() - 60_000;
  await recordFeedEvent(busEvent("contact.created"), { now: () => at });
  await recordFeedEvent(busEvent("contact.updated"), { now: () => at + 1 });
  await recordFeedEvent(busEvent("company.updated"), { now: () => at + 2 });
});

describe("GET /events", () => {
  it("serves integrations (read-only) and admins, and always says where to resume", async () => {
    for (const roles of ["[read-only]", "[admin]"]) {
      const response = await listEvents({ limit: "2" }, roles);
      expect(response.statusCode, roles).toBe(200);
      expect(response.json?.data).toMatchObject([
        { type: "contact.created", detail: { entity: "contact", version: 1 } },
        { type: "contact.updated", detail: { changes: { jobTitle: { to: "Analyst" } } } },
      ]);
      const rest = await listEvents({ after: String(response.json?.nextCursor) }, roles);
      expect(rest.json?.data).toMatchObject([{ type: "company.updated" }]);
      expect(rest.json?.nextCursor).toEqual(expect.any(String));
    }
  });

  it("filters by a comma list of types", async () => {
    const response = await listEvents({ types: "company.updated, contact.created" });
    expect(((response.json?.data ?? []) as { type: string }[]).map((e) => e.type)).toEqual([
      "contact.created",
      "company.updated",
    ]);
  });

  it("is forbidden to the roles that work with records, not integrations", async () => {
    for (const roles of ["[sales]", "[support]", "[marketing]"]) {
      const response = await listEvents(undefined, roles);
      expect(response.statusCode, roles).toBe(403);
      expect(response.json).toMatchObject({ code: "auth.forbidden" });
    }
  });

  it("refuses a bad cursor, unknown or malformed types, too many types and a bad limit", async () => {
    const tooMany = Array.from({ length: MAX_TYPES + 1 }, (_, i) => `contact.verb_${i}`).join(",");
    const cases: [Record<string, string>, string][] = [
      [{ after: "bm90LWEtY3Vyc29y" }, "query.after"],
      [{ types: "contact.exploded" }, "query.types.0"],
      [{ types: "contact.created,Contact Updated" }, "query.types.1"],
      [{ types: "," }, "query.types"],
      [{ types: tooMany }, "query.types"],
      [{ limit: "0" }, "query.limit"],
      [{ cursor: "x" }, "query"],
    ];
    for (const [query, path] of cases) {
      const response = await listEvents(query);
      expect(response.statusCode, JSON.stringify(query)).toBe(400);
      expect(errorPathsOf(response.json), JSON.stringify(query)).toContain(path);
    }
  });
});
