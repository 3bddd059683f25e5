import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventDefinitionOf } from "#events/catalogue";
import type { DealView } from "#lib/deals/schema";
import { parseBusEvent } from "#lib/events/bus-event";
import { DealEvents } from "#lib/events/detail-types";
import type { HistoryItem } from "#lib/history/schema";
import type { Page } from "#lib/http/response";
import type { Pipeline, PipelineDetail } from "#lib/pipelines/schema";
import type { LocalBusEvent } from "#local/event-bus";
import { type ApiClient, startTestRuntime, type TestRuntime } from "#test/support/local-runtime";

/** Pipelines and deals over HTTP through the local runtime, with the events that follow. */
let crm: TestRuntime;
let admin: ApiClient;
let sales: ApiClient;
let reader: ApiClient;

const pipelineBody = (name: string) => ({
  name,
  stages: [
    { name: "Qualified", winProbability: 20, rottingDays: 10 },
    { name: "Proposal", winProbability: 50 },
    { name: "Negotiation", winProbability: 80 },
    { name: "Closed won", winProbability: 100, closed: true, won: true },
    { name: "Closed lost", winProbability: 0, closed: true },
  ],
});

const stageIdOf = (pipeline: Pipeline, name: string) =>
  pipeline.stages.find((s) => s.name === name)?.id as string;

const ofDeal = (id: string, detailType: string) => (event: LocalBusEvent) =>
  event["detail-type"] === detailType && parseBusEvent(event).detail.id === id;

let pipeline: Pipeline;
let other: Pipeline;

beforeAll(async () => {
  crm = await startTestRuntime();
  admin = crm.as("admin", "admin-1");
  sales = crm.as("sales", "seller-1");
  reader = crm.as("read-only", "viewer-1");
  const created = await admin.post<Pipeline>("/pipelines", pipelineBody("New business"));
  expect(created.status).toBe(201);
  expect(created.headers.get("location")).toBe(`/pipelines/${created.body.id}`);
  pipeline = created.body;
  other = (await admin.post<Pipeline>("/pipelines", pipelineBody("Partners"))).body;
});

afterAll(async () => {
  await crm?.stop();
});

describe("pipelines over HTTP", () => {
  it("lets admins manage pipelines and everyone read them", async () => {
    const denied = await sales.post("/pipelines", pipelineBody("Mine"));
    expect(denied.status).toBe(403);
    const listed = await reader.get<Page<Pipeline>>("/pipelines");
    expect(listed.status).toBe(200);
    expect(listed.body.data.map((p) => p.name)).toEqual(["New business", "Partners"]);
    const invalid = await admin.post("/pipelines", {
      name: "No way out",
      stages: [{ name: "Open", winProbability: 10 }],
    });
    expect(invalid.status).toBe(400);
    expect(invalid.body).toMatchObject({
      code: "request.validation_failed",
      errors: expect.arrayContaining([
        { path: "body.stages", message: "A pipeline needs at least one closed-won stage" },
      ]),
    });
  });
});

describe("a deal's way to won", () => {
  it("moves through the stages with its history and durations, and is announced at each step", async () => {
    const created = await sales.post<DealView>(
      "/deals",
      {
        name: "Analytical Engines",
        lineItems: [
          { name: "Licence", quantity: 3, unitPrice: 400_000 },
          { name: "Onboarding", quantity: 1, unitPrice: 150_000 },
        ],
        expectedCloseDate: "2026-12-15",
        pipelineId: pipeline.id,
      },
      { headers: { "idempotency-key": "deal-ae" } },
    );
    expect(created.status).toBe(201);
    expect(created.headers.get("etag")).toBe('"1"');
    const deal = created.body;
    expect(deal).toMatchObject({
      amount: 1_350_000,
      currency: "EUR",
      stageId: stageIdOf(pipeline, "Qualified"),
      status: "open",
      ownerId: "seller-1",
      rotting: false,
      idleDays: 0,
    });
    await crm.bus.waitFor(ofDeal(deal.id, DealEvents.Created));

    await sleep(1_100);
    const proposal = await sales.post<DealView>(
      `/deals/${deal.id}/stage`,
      { stageId: stageIdOf(pipeline, "Proposal") },
      { headers: { "if-match": '"1"' } },
    );
    expect(proposal.status).toBe(200);
    expect(proposal.headers.get("etag")).toBe('"2"');
    const changed = parseBusEvent(await crm.bus.waitFor(ofDeal(deal.id, DealEvents.StageChanged)));
    expect(changed.detail.changes.stageId).toEqual({
      from: stageIdOf(pipeline, "Qualified"),
      to: stageIdOf(pipeline, "Proposal"),
    });

    const board = await reader.get<Page<DealView>>("/deals", {
      query: { pipelineId: pipeline.id, stageId: stageIdOf(pipeline, "Proposal") },
    });
    expect(board.body.data.map((d) => d.id)).toEqual([deal.id]);

    await sales.post(`/deals/${deal.id}/stage`, { stageId: stageIdOf(pipeline, "Negotiation") });
    const won = await sales.post<DealView>(`/deals/${deal.id}/stage`, {
      stageId: stageIdOf(pipeline, "Closed won"),
      reason: "Three-year commitment",
    });
    expect(won.status).toBe(200);
    expect(won.body).toMatchObject({
      status: "won",
      closeReason: "Three-year commitment",
      closedAt: won.body.updatedAt,
      rotting: false,
      version: 4,
    });
    const history = won.body.stageHistory;
    expect(history.map((h) => h.stageId)).toEqual(
      ["Qualified", "Proposal", "Negotiation", "Closed won"].map((n) => stageIdOf(pipeline, n)),
    );
    expect(history[0]?.durationSeconds).toBeGreaterThanOrEqual(1);
    for (const [index, entry] of history.slice(0, -1).entries()) {
      expect(entry.leftAt).toBe(history[index + 1]?.enteredAt);
      expect(entry.durationSeconds).toBe(
        Math.floor((Date.parse(String(entry.leftAt)) - Date.parse(entry.enteredAt)) / 1000),
      );
    }
    expect(history.at(-1)).toMatchObject({ reason: "Three-year commitment" });
    expect(history.at(-1)).not.toHaveProperty("leftAt");

    const wonEvent = parseBusEvent(await crm.bus.waitFor(ofDeal(deal.id, DealEvents.Won)));
    expect(wonEvent.detail).toMatchObject({ version: 4, actor: "seller-1" });
    const definition = eventDefinitionOf(DealEvents.Won);
    expect(definition?.schema.safeParse(wonEvent.detail).success).toBe(true);

    // The deal's field history has each step, by whom, newest first.
    await crm.bus.idle();
    const trail = await reader.get<Page<HistoryItem>>(`/deals/${deal.id}/history`);
    expect(trail.status).toBe(200);
    expect(trail.body.data.map((entry) => [entry.type, entry.version, entry.actor])).toEqual([
      [DealEvents.Won, 4, "seller-1"],
      [DealEvents.StageChanged, 3, "seller-1"],
      [DealEvents.StageChanged, 2, "seller-1"],
      [DealEvents.Created, 1, "seller-1"],
    ]);
    expect(trail.body.data[0]?.changes).toEqual(
      expect.arrayContaining([
        {
          field: "stageId",
          from: stageIdOf(pipeline, "Negotiation"),
          to: stageIdOf(pipeline, "Closed won"),
        },
        { field: "status", from: "open", to: "won" },
        { field: "closeReason", to: "Three-year commitment" },
      ]),
    );

    const detail = await reader.get<PipelineDetail>(`/pipelines/${pipeline.id}`);
    expect(detail.body.stages.map((s) => s.dealCount)).toEqual([0, 0, 0, 1, 0]);

    const replay = await sales.post<DealView>(
      "/deals",
      {
        name: "Analytical Engines",
        lineItems: [
          { name: "Licence", quantity: 3, unitPrice: 400_000 },
          { name: "Onboarding", quantity: 1, unitPrice: 150_000 },
        ],
        expectedCloseDate: "2026-12-15",
        pipelineId: pipeline.id,
      },
      { headers: { "idempotency-key": "deal-ae" } },
    );
    expect(replay.body.id).toBe(deal.id);
    expect(replay.headers.get("idempotent-replayed")).toBe("true");
  });
});

describe("bad input changes nothing", () => {
  it("answers a stage of another pipeline, a negative amount and an unknown currency with a clear 4xx", async () => {
    const made = await sales.post<DealView>("/deals", {
      name: "Steady",
      amount: 5_000,
      expectedCloseDate: "2027-01-31",
      pipelineId: pipeline.id,
    });
    expect(made.status).toBe(201);
    const id = made.body.id;

    const foreignCreate = await sales.post("/deals", {
      name: "Lost in space",
      amount: 1,
      expectedCloseDate: "2027-01-31",
      pipelineId: pipeline.id,
      stageId: stageIdOf(other, "Proposal"),
    });
    expect(foreignCreate.status).toBe(422);
    expect(foreignCreate.headers.get("content-type")).toBe("application/problem+json");
    expect(foreignCreate.body).toMatchObject({
      code: "deal.stage_not_in_pipeline",
      pipelineId: pipeline.id,
      stageId: stageIdOf(other, "Proposal"),
    });

    const foreignMove = await sales.post(`/deals/${id}/stage`, {
      stageId: stageIdOf(other, "Proposal"),
    });
    expect(foreignMove.status).toBe(422);
    expect(foreignMove.body).toMatchObject({ code: "deal.stage_not_in_pipeline" });

    const negative = await sales.patch(`/deals/${id}`, { amount: -100 });
    expect(negative.status).toBe(400);
    expect(negative.body).toMatchObject({
      code: "request.validation_failed",
      errors: [{ path: "body.amount", message: "Too small: expected number to be >=0" }],
    });
    const negativeCreate = await sales.post("/deals", {
      name: "Negative",
      amount: -1,
      expectedCloseDate: "2027-01-31",
      pipelineId: pipeline.id,
    });
    expect(negativeCreate.status).toBe(400);

    const currency = await sales.patch(`/deals/${id}`, { currency: "usd" });
    expect(currency.status).toBe(422);
    expect(currency.body).toMatchObject({
      code: "deal.currency_not_allowed",
      currency: "USD",
      allowed: ["EUR"],
    });
    const unknownCode = await sales.post("/deals", {
      name: "Bitcoin",
      amount: 1,
      currency: "BTCX",
      expectedCloseDate: "2027-01-31",
      pipelineId: pipeline.id,
    });
    expect(unknownCode.status).toBe(400);

    const viaPatch = await sales.patch(`/deals/${id}`, {
      stageId: stageIdOf(pipeline, "Proposal"),
    });
    expect(viaPatch.status).toBe(400);
    expect(viaPatch.body).toMatchObject({
      errors: [
        {
          path: "body.stageId",
          message:
            "stageId changes only with POST /deals/{dealId}/stage, which records the stage history",
        },
      ],
    });

    const lostWithoutReason = await sales.post(`/deals/${id}/stage`, {
      stageId: stageIdOf(pipeline, "Closed lost"),
    });
    expect(lostWithoutReason.status).toBe(422);
    expect(lostWithoutReason.body).toMatchObject({ code: "deal.close_reason_required" });

    const readBack = await reader.get<DealView>(`/deals/${id}`);
    const { engagement: _engagement, ...stored } = readBack.body as DealView & {
      engagement: unknown;
    };
    expect(stored).toEqual(made.body);
    const listed = await reader.get<Page<DealView>>("/deals", { query: { pipelineId: other.id } });
    expect(listed.body.data).toEqual([]);
  });

  it("refuses to delete a stage that holds deals, naming it with its count", async () => {
    const current = await admin.get<PipelineDetail>(`/pipelines/${pipeline.id}`);
    const etag = current.headers.get("etag") as string;
    const withoutQualified = current.body.stages
      .filter((s) => s.name !== "Qualified")
      .map(({ dealCount: _count, ...stage }) => stage);
    const refused = await admin.patch(
      `/pipelines/${pipeline.id}`,
      { stages: withoutQualified },
      { headers: { "if-match": etag } },
    );
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({
      code: "pipeline.stage_has_deals",
      stages: [{ id: stageIdOf(pipeline, "Qualified"), name: "Qualified", dealCount: 1 }],
    });
    const after = await admin.get<PipelineDetail>(`/pipelines/${pipeline.id}`);
    expect(after.headers.get("etag")).toBe(etag);
    expect(after.body.stages.map((s) => s.name)).toContain("Qualified");

    const deletePipeline = await admin.delete(`/pipelines/${pipeline.id}`);
    expect(deletePipeline.status).toBe(409);
    expect(deletePipeline.body).toMatchObject({ code: "pipeline.has_deals", dealCount: 2 });
  });
});
