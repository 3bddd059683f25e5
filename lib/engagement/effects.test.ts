import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { BusEvent } from "#events/envelope";
import {
  effectsBetween,
  effectsOf,
  latest,
  MalformedActivityEvent,
  needsCurrent,
  planLastActivity,
  type RecordEffect,
} from "#lib/engagement/effects";

/** The catalogue's examples: what the stream publisher emits for an activity's writes. */
const example = (detailType: string): BusEvent =>
  JSON.parse(
    readFileSync(new URL(`../../events/examples/${detailType}.json`, import.meta.url), "utf8"),
  ) as BusEvent;

const ada = { entity: "contact", id: "con_01JD7Q6X9Y8Z7W6V5T4S3R2Q1P" } as const;
const engines = { entity: "company", id: "co_01JD7Q8A1B2C3D4E5F6G7H8J9K" } as const;

describe("effectsOf", () => {
  it("counts a created activity once on every record it links", () => {
    expect(effectsOf(example("activity.created"))).toEqual([
      { record: ada, countDeltas: { call: 1 }, added: "2026-11-23T14:00:00.000Z" },
      { record: engines, countDeltas: { call: 1 }, added: "2026-11-23T14:00:00.000Z" },
    ]);
  });

  it("moves an updated activity: earlier on a record it keeps, off a record it left", () => {
    expect(effectsOf(example("activity.updated"))).toEqual([
      {
        record: ada,
        countDeltas: {},
        added: "2026-11-23T13:30:00.000Z",
        removed: "2026-11-23T14:00:00.000Z",
      },
      { record: engines, countDeltas: { call: -1 }, removed: "2026-11-23T14:00:00.000Z" },
    ]);
  });

  it("takes a deleted activity off the records its tombstone names", () => {
    expect(effectsOf(example("activity.deleted"))).toEqual([
      { record: ada, countDeltas: { call: -1 }, removed: "2026-11-23T13:30:00.000Z" },
    ]);
  });

  it("does nothing for an update that moved neither links nor time", () => {
    const event = example("activity.updated");
    const quiet: BusEvent = {
      ...event,
      detail: { ...event.detail, changes: { title: { from: "Call", to: "Discovery call" } } },
    };
    expect(effectsOf(quiet)).toEqual([]);
  });

  it("refuses an event that does not describe an activity", () => {
    const event = example("activity.deleted");
    const bare: BusEvent = { ...event, detail: { ...event.detail, changes: {} } };
    expect(() => effectsOf(bare)).toThrow(MalformedActivityEvent);
    expect(() => effectsOf({ ...event, "detail-type": "activity.archived" })).toThrow(
      MalformedActivityEvent,
    );
  });

  it("ignores links to entities that have no engagement", () => {
    const state = {
      type: "note" as const,
      occurredAt: "2026-11-23T14:00:00.000Z",
      links: [{ entity: "invoice", id: "inv_1" }, ada],
    };
    expect(effectsBetween(null, state).map((e) => e.record)).toEqual([ada]);
  });
});

describe("planLastActivity", () => {
  const effect = (over: Partial<RecordEffect>): RecordEffect => ({
    record: ada,
    countDeltas: {},
    ...over,
  });
  const latestAt = "2026-11-20T00:00:00.000Z";

  it("raises to an added activity's time, unread or when it is later", () => {
    const added = effect({ countDeltas: { call: 1 }, added: "2026-11-21T00:00:00.000Z" });
    expect(needsCurrent(added)).toBe(false);
    expect(planLastActivity(added, undefined)).toEqual({ kind: "raise", to: added.added });
    expect(planLastActivity(added, null)).toEqual({ kind: "raise", to: added.added });
    expect(planLastActivity(added, latestAt)).toEqual({ kind: "raise", to: added.added });
    const older = effect({ countDeltas: { call: 1 }, added: "2026-11-01T00:00:00.000Z" });
    expect(planLastActivity(older, latestAt)).toEqual({ kind: "keep" });
  });

  it("recomputes from the timeline when the latest activity may be gone", () => {
    const removedLatest = effect({ countDeltas: { call: -1 }, removed: latestAt });
    expect(needsCurrent(removedLatest)).toBe(true);
    expect(planLastActivity(removedLatest, latestAt)).toEqual({
      kind: "recompute",
      from: latestAt,
      added: null,
    });
    // Moved earlier: what it adds is combined with what the timeline says.
    const moved = effect({ added: "2026-11-10T00:00:00.000Z", removed: latestAt });
    expect(planLastActivity(moved, latestAt)).toEqual({
      kind: "recompute",
      from: latestAt,
      added: "2026-11-10T00:00:00.000Z",
    });
    expect(() => planLastActivity(moved, undefined)).toThrow();
  });

  it("keeps the latest when an older activity goes, or nothing was there", () => {
    const older = effect({ countDeltas: { call: -1 }, removed: "2026-11-01T00:00:00.000Z" });
    expect(planLastActivity(older, latestAt)).toEqual({ kind: "keep" });
    expect(planLastActivity(older, null)).toEqual({ kind: "keep" });
  });
});

describe("latest", () => {
  it("is the later of two times, either possibly missing", () => {
    expect(latest(null, undefined)).toBeNull();
    expect(latest("2026-11-01T00:00:00.000Z", null)).toBe("2026-11-01T00:00:00.000Z");
    expect(latest(null, "2026-11-01T00:00:00.000Z")).toBe("2026-11-01T00:00:00.000Z");
    expect(latest("2026-11-01T00:00:00.000Z", "2026-11-02T00:00:00.000Z")).toBe(
      "2026-11-02T00:00:00.000Z",
    );
  });
});
