import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { leadModel, scoreSortKey } from "#lib/leads/keys";
import { MAX_SCORE } from "#lib/leads/schema";

const id = "lead_01JD7QD4E5F6G7H8J9K0M1N2P3";

describe("the status view's score sort key", () => {
  it("sorts higher scores first when the keys are read in ascending order", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -MAX_SCORE, max: MAX_SCORE }),
        fc.integer({ min: -MAX_SCORE, max: MAX_SCORE }),
        (a, b) => {
          const [ka, kb] = [scoreSortKey(a, id), scoreSortKey(b, id)];
          if (a > b) expect(ka < kb).toBe(true);
          if (a === b) expect(ka).toBe(kb);
        },
      ),
    );
  });

  it("has a fixed width, so 1000 sorts above 999 and 5 above -5", () => {
    expect(scoreSortKey(1000, id)).toBe(`0999000#${id}`);
    expect(scoreSortKey(999, id)).toBe(`0999001#${id}`);
    expect(scoreSortKey(5, id)).toBe(`0999995#${id}`);
    expect(scoreSortKey(0, id)).toBe(`1000000#${id}`);
    expect(scoreSortKey(-5, id)).toBe(`1000005#${id}`);
    expect(scoreSortKey(MAX_SCORE, id)).toBe(`0000000#${id}`);
    expect(scoreSortKey(-MAX_SCORE, id)).toBe(`2000000#${id}`);
  });

  it("breaks ties by id, oldest first", () => {
    expect(scoreSortKey(7, "lead_01A") < scoreSortKey(7, "lead_01B")).toBe(true);
  });
});

describe("the lead's index keys", () => {
  const lead = {
    id,
    source: "event",
    status: "working",
    score: 42,
  } as Parameters<typeof leadModel.index>[0];

  it("places an owned lead in its owner's, status's and source's views", () => {
    expect(leadModel.index({ ...lead, ownerId: "user-1" })).toEqual({
      gsi1pk: "lead#owner#user-1",
      gsi1sk: id,
      gsi2pk: "lead#status#working",
      gsi2sk: scoreSortKey(42, id),
      gsi3pk: "lead#source#event",
      gsi3sk: id,
    });
  });

  it("keeps an unowned lead out of the owner index (sparse)", () => {
    expect(leadModel.index(lead)).not.toHaveProperty("gsi1pk");
  });
});
