import { describe, expect, it } from "vitest";
import type { Envelope } from "#events/envelope";
import {
  activityStateFacts,
  countedDetailTypes,
  dealStateFacts,
  eventCounters,
  recordCounters,
  ticketStateFacts,
} from "#lib/analytics/counters";
import { difference, expand, type Increment } from "#lib/analytics/increments";
import { METRICS } from "#lib/analytics/metrics";

const deal = {
  amount: 120_000,
  currency: "EUR",
  pipelineId: "pip_1",
  stageId: "stg_open",
  status: "open" as const,
  ownerId: "ana",
  createdAt: "2026-03-02T10:00:00.000Z",
  stageEnteredAt: "2026-03-02T10:00:00.000Z",
};

const envelope = (data: unknown, overrides: Partial<Envelope> = {}): Envelope => ({
  schemaVersion: 1,
  eventId: "evt-1",
  occurredAt: "2026-03-05T08:00:00.000Z",
  entity: "lead",
  id: "lead_1",
  version: 1,
  actor: "ana",
  data,
  changes: {},
  ...overrides,
});

const counters = (increments: readonly Increment[]) =>
  increments.map((i) =>
    i.kind === "counter"
      ? `${i.metric} ${i.dimension}=${i.value} ${i.day} ${JSON.stringify(i.measures)}`
      : `${i.gauge} ${i.position.join("/")} ${JSON.stringify(i.measures)}`,
  );

describe("counting declarations", () => {
  it("expand a fact over every dimension of its metric, with a missing value as none", () => {
    const [fact] = activityStateFacts({ type: "call", occurredAt: "2026-03-03T23:30:00.000Z" });
    if (!fact) throw new Error("no fact");
    expect(counters(expand(fact))).toEqual([
      'activities.logged all=all 2026-03-03 {"count":1,"count.call":1}',
      'activities.logged owner=~none 2026-03-03 {"count":1,"count.call":1}',
    ]);
  });

  it("count an open deal as created and in its stage's open pipeline", () => {
    expect(counters(dealStateFacts(deal).flatMap(expand))).toEqual([
      'deals.created all=all 2026-03-02 {"count":1,"amount.EUR":120000}',
      'deals.created owner=ana 2026-03-02 {"count":1,"amount.EUR":120000}',
      'deals.created pipeline=pip_1 2026-03-02 {"count":1,"amount.EUR":120000}',
      'pipeline.open pip_1/stg_open {"count":1,"amount.EUR":120000}',
    ]);
  });

  it("count a won deal on its close day with its sales cycle, out of the open pipeline", () => {
    const won = {
      ...deal,
      status: "won" as const,
      stageId: "stg_won",
      closedAt: "2026-03-04T10:00:00.000Z",
    };
    const moved = difference(
      dealStateFacts(won).flatMap(expand),
      dealStateFacts(deal).flatMap(expand),
    );
    expect(counters(moved)).toEqual([
      'deals.won all=all 2026-03-04 {"count":1,"amount.EUR":120000,"cycleSeconds":172800}',
      'deals.won owner=ana 2026-03-04 {"count":1,"amount.EUR":120000,"cycleSeconds":172800}',
      'deals.won pipeline=pip_1 2026-03-04 {"count":1,"amount.EUR":120000,"cycleSeconds":172800}',
      'pipeline.open pip_1/stg_open {"count":-1,"amount.EUR":-120000}',
    ]);
  });

  it("move only what changed: a new amount moves money, not counts", () => {
    const bigger = difference(
      dealStateFacts({ ...deal, amount: 150_000 }).flatMap(expand),
      dealStateFacts(deal).flatMap(expand),
    );
    expect(counters(bigger)).toEqual([
      'deals.created all=all 2026-03-02 {"amount.EUR":30000}',
      'deals.created owner=ana 2026-03-02 {"amount.EUR":30000}',
      'deals.created pipeline=pip_1 2026-03-02 {"amount.EUR":30000}',
      'pipeline.open pip_1/stg_open {"amount.EUR":30000}',
    ]);
    expect(
      difference(dealStateFacts(deal).flatMap(expand), dealStateFacts(deal).flatMap(expand)),
    ).toEqual([]);
  });

  it("count a ticket opened, answered, solved, its SLA targets decided and its rating", () => {
    const facts = ticketStateFacts({
      createdAt: "2026-03-02T09:00:00.000Z",
      teamId: "emea",
      assigneeId: "bo",
      firstRespondedAt: "2026-03-02T09:30:00.000Z",
      solvedAt: "2026-03-03T09:00:00.000Z",
      sla: {
        firstResponse: { state: "met", stoppedAt: "2026-03-02T09:30:00.000Z" },
        resolution: { state: "breached", deadline: "2026-03-02T17:00:00.000Z" },
      },
      satisfaction: { rating: 4, receivedAt: "2026-03-04T08:00:00.000Z" },
    });
    expect(facts.map((f) => ("metric" in f ? [f.metric, f.at, f.measures] : []))).toEqual([
      ["tickets.opened", "2026-03-02T09:00:00.000Z", { count: 1 }],
      ["tickets.solved", "2026-03-03T09:00:00.000Z", { count: 1, resolutionSeconds: 86_400 }],
      ["tickets.first_response", "2026-03-02T09:30:00.000Z", { count: 1, seconds: 1800 }],
      ["tickets.sla", "2026-03-02T09:30:00.000Z", { met: 1, "firstResponse.met": 1 }],
      ["tickets.sla", "2026-03-02T17:00:00.000Z", { breached: 1, "resolution.breached": 1 }],
      ["csat.received", "2026-03-04T08:00:00.000Z", { count: 1, sum: 4, "count.4": 1 }],
    ]);
    // A running clock has decided nothing yet.
    expect(
      ticketStateFacts({
        createdAt: "2026-03-02T09:00:00.000Z",
        sla: {
          firstResponse: { state: "running", deadline: "2026-03-02T10:00:00.000Z" },
          resolution: { state: "paused" },
        },
      }).map((f) => ("metric" in f ? f.metric : f.gauge)),
    ).toEqual(["tickets.opened"]);
  });

  it("count lead events by source, conversions on their conversion day", () => {
    const lead = {
      source: "referral",
      createdAt: "2026-03-01T10:00:00.000Z",
      conversion: { convertedAt: "2026-03-06T10:00:00.000Z" },
    };
    const converted = eventCounters.find((c) => c.detailType === "lead.converted");
    expect(converted?.factsOf(envelope(lead))).toEqual([
      {
        metric: "leads.converted",
        at: "2026-03-06T10:00:00.000Z",
        dimensions: { source: "referral" },
        measures: { count: 1 },
      },
    ]);
    const qualified = eventCounters.find((c) => c.detailType === "lead.qualified");
    expect(qualified?.factsOf(envelope(lead))[0]).toMatchObject({
      metric: "leads.qualified",
      at: "2026-03-05T08:00:00.000Z",
    });
  });

  it("refuse an event whose data is not what they read", () => {
    const created = eventCounters.find((c) => c.detailType === "lead.created");
    expect(() => created?.factsOf(envelope({ source: 42 }))).toThrow();
  });

  it("only name metrics that are defined, and the rule pattern names every counted event", () => {
    const types = countedDetailTypes();
    for (const c of eventCounters) expect(types).toContain(c.detailType);
    for (const c of recordCounters) for (const t of c.detailTypes) expect(types).toContain(t);
    expect(new Set(types).size).toBe(types.length);
    for (const fact of [
      ...dealStateFacts(deal),
      ...activityStateFacts({ type: "note", occurredAt: deal.createdAt }),
    ]) {
      if ("metric" in fact) expect(Object.keys(METRICS)).toContain(fact.metric);
    }
  });
});
