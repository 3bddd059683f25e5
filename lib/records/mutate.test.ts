import { describe, expect, it } from "vitest";
import { applyPatch, stamp } from "#lib/records/mutate";

describe("applyPatch", () => {
  it("sets given fields, removes null ones and leaves the rest", () => {
    const record = { id: "a", title: "CTO", owner: "u1", tags: ["x"] };
    expect(applyPatch(record, { title: "CEO", owner: null, tags: undefined })).toEqual({
      id: "a",
      title: "CEO",
      tags: ["x"],
    });
    expect(record.title).toBe("CTO");
  });
});

describe("stamp", () => {
  it("moves the version up by one and records who and when", () => {
    const record = { id: "a", version: 4, updatedAt: "old", updatedBy: "u1" };
    expect(stamp(record, "u2", new Date("2026-11-23T10:00:00Z"))).toEqual({
      id: "a",
      version: 5,
      updatedAt: "2026-11-23T10:00:00.000Z",
      updatedBy: "u2",
    });
  });
});
