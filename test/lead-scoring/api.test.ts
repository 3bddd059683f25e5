import { beforeAll, describe, expect, it } from "vitest";
import { handler } from "#functions/lead-scoring/handler";
import { handleScoringEvent } from "#lib/lead-scoring/consumer";
import { createLead } from "#lib/leads/service";
import { newId } from "#lib/records/ids";
import { admin, leadCreated, leadInput, testModel } from "#test/lead-scoring/support";
import { apiEvent, invoke } from "#test/support/api-gateway-event";
import { createTestTable } from "#test/support/dynamodb";

/** The lead scoring routes through their handler: roles, validation, If-Match, 404s. */
beforeAll(async () => {
  await createTestTable("lead-scoring-api");
});

const putModel = (body: unknown, roles = "[admin]", headers: Record<string, string> = {}) =>
  invoke(handler, apiEvent({ routeKey: "PUT /lead-scoring/model", body, roles, headers }));

describe("the model routes", () => {
  it("serve an empty model at version 0 until an admin saves one, then version it", async () => {
    const empty = await invoke(handler, apiEvent({ routeKey: "GET /lead-scoring/model" }));
    expect(empty.statusCode).toBe(200);
    expect(empty.json).toEqual({ fitRules: [], engagementRules: [], version: 0 });
    expect(empty.headers?.etag).toBe('"0"');

    const saved = await putModel(testModel, "[admin]", { "if-match": '"0"' });
    expect(saved.statusCode).toBe(200);
    expect(saved.headers?.etag).toBe('"1"');
    expect(saved.json).toMatchObject({ version: 1, updatedBy: "user-1" });

    const stale = await putModel(testModel, "[admin]", { "if-match": '"0"' });
    expect(stale.statusCode).toBe(412);
    expect(stale.json).toMatchObject({ code: "lead-scoring-model.version_mismatch" });

    const read = await invoke(
      handler,
      apiEvent({ routeKey: "GET /lead-scoring/model", roles: "[read-only]" }),
    );
    expect(read.json).toEqual(saved.json);
  });

  it("let only admins change the model", async () => {
    const refused = await putModel(testModel, "[sales marketing]");
    expect(refused.statusCode).toBe(403);
  });

  it("refuse an invalid model with every problem named, and change nothing", async () => {
    const before = await invoke(handler, apiEvent({ routeKey: "GET /lead-scoring/model" }));
    const invalid = await putModel({
      fitRules: [
        { id: "dup", when: { attribute: "title", match: "contains", values: [] }, points: 5 },
      ],
      engagementRules: [
        { id: "dup", signal: "page_visited", points: 0, decay: { kind: "half_life", days: -1 } },
        { id: "x", signal: "form_submitted", points: 5, urlContains: "/pricing" },
      ],
      threshold: 50,
    });
    expect(invalid.statusCode).toBe(400);
    const paths = ((invalid.json?.errors ?? []) as { path: string }[]).map((e) => e.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        "body",
        "body.fitRules.0.when.values",
        "body.engagementRules.0.points",
        "body.engagementRules.0.decay.days",
        "body.engagementRules.1",
      ]),
    );
    expect(paths.length).toBeGreaterThanOrEqual(5);
    const after = await invoke(handler, apiEvent({ routeKey: "GET /lead-scoring/model" }));
    expect(after.json).toEqual(before.json);
  });
});

describe("GET /leads/{leadId}/score", () => {
  it("explains a lead's score", async () => {
    const lead = await createLead(leadInput(), admin);
    await handleScoringEvent(leadCreated(lead));
    const response = await invoke(
      handler,
      apiEvent({
        routeKey: "GET /leads/{leadId}/score",
        path: `/leads/${lead.id}/score`,
        pathParameters: { leadId: lead.id },
        roles: "[read-only]",
      }),
    );
    expect(response.statusCode).toBe(200);
    expect(response.json).toMatchObject({
      leadId: lead.id,
      total: 35,
      storedScore: 35,
      upToDate: true,
      fit: { points: 35 },
      engagement: { points: 0 },
    });
  });

  it("is a 404 for an unknown lead and a 400 for what is not a lead id", async () => {
    const unknown = newId("lead");
    const missing = await invoke(
      handler,
      apiEvent({
        routeKey: "GET /leads/{leadId}/score",
        path: `/leads/${unknown}/score`,
        pathParameters: { leadId: unknown },
      }),
    );
    expect(missing.statusCode).toBe(404);
    expect(missing.json).toMatchObject({ code: "lead.not_found" });
    const bad = await invoke(
      handler,
      apiEvent({
        routeKey: "GET /leads/{leadId}/score",
        path: "/leads/con_123/score",
        pathParameters: { leadId: "con_123" },
      }),
    );
    expect(bad.statusCode).toBe(400);
  });
});
