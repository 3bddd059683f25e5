import { describe, expect, it } from "vitest";
import { historyEntryOf } from "#lib/history/entry";
import { busEvent, loadBusEvent } from "#test/fixtures/bus-events/index";

describe("historyEntryOf", () => {
  it("lists the initial value of every field of a created record, without bookkeeping", () => {
    const entry = historyEntryOf(loadBusEvent("contact.created"));
    expect(entry).toEqual({
      entity: "contact",
      recordId: "con_01JNQ8V4ZK3M5N7P9Q1R2S3T4V",
      eventId: "0b6f2f4e-3c1d-4e0f-9a8b-7c6d5e4f3a21",
      occurredAt: "2026-03-02T09:15:00.000Z",
      actor: "seller-1",
      type: "contact.created",
      version: 1,
      changes: [
        { field: "companies", to: [] },
        { field: "customFields", to: {} },
        { field: "emails", to: ["ada@engines.example"] },
        { field: "firstName", to: "Ada" },
        { field: "lastName", to: "Lovelace" },
        { field: "lifecycleStage", to: "lead" },
        { field: "phones", to: [] },
        { field: "tags", to: ["vip"] },
      ],
    });
  });

  it("lists an update's changes by field name, leaving from or to out when unset", () => {
    const entry = historyEntryOf(loadBusEvent("contact.updated"));
    expect(entry.actor).toBe("support-7");
    expect(entry.version).toBe(2);
    expect(entry.changes).toEqual([
      { field: "jobTitle", to: "Analyst" },
      { field: "lifecycleStage", from: "lead", to: "customer" },
    ]);
  });

  it("keeps values of any JSON shape, such as custom fields", () => {
    expect(historyEntryOf(loadBusEvent("company.updated")).changes).toEqual([
      { field: "customFields", from: {}, to: { tier: "gold" } },
      { field: "name", from: "Analytical Engines", to: "Analytical Engines Ltd" },
    ]);
  });

  it("records a deletion as an entry without changes", () => {
    const entry = historyEntryOf(loadBusEvent("contact.deleted"));
    expect(entry).toMatchObject({ type: "contact.deleted", actor: "admin-1", changes: [] });
  });

  it("takes the changes of events with other verbs, and drops bookkeeping fields", () => {
    const entry = historyEntryOf(
      busEvent(
        "contact.updated",
        {
          changes: {
            stage: { from: "proposal", to: "won" },
            updatedAt: { from: "a", to: "b" },
            version: { from: 1, to: 2 },
          },
        },
        "deal.stage_changed",
      ),
    );
    expect(entry.type).toBe("deal.stage_changed");
    expect(entry.changes).toEqual([{ field: "stage", from: "proposal", to: "won" }]);
  });

  it("leaves out a deal's stage history, a log of its own, on creation and on every move", () => {
    const stageHistory = [{ stageId: "stg_1", enteredAt: "2026-03-02T09:15:00.000Z" }];
    const created = historyEntryOf(
      busEvent(
        "contact.created",
        { entity: "deal", data: { id: "deal_1", name: "Big", stageId: "stg_1", stageHistory } },
        "deal.created",
      ),
    );
    expect(created.changes).toEqual([
      { field: "name", to: "Big" },
      { field: "stageId", to: "stg_1" },
    ]);
    const moved = historyEntryOf(
      busEvent(
        "contact.updated",
        {
          entity: "deal",
          changes: {
            stageId: { from: "stg_1", to: "stg_2" },
            stageHistory: { from: stageHistory, to: [...stageHistory, { stageId: "stg_2" }] },
          },
        },
        "deal.stage_changed",
      ),
    );
    expect(moved.changes).toEqual([{ field: "stageId", from: "stg_1", to: "stg_2" }]);
    // Other entities keep a field of that name.
    const contact = historyEntryOf(
      busEvent("contact.updated", { changes: { stageHistory: { from: [], to: ["x"] } } }),
    );
    expect(contact.changes).toEqual([{ field: "stageHistory", from: [], to: ["x"] }]);
  });
});
