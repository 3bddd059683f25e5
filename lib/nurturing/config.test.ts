import { describe, expect, it } from "vitest";
import { DEFAULT_NURTURING, nurturingConfig } from "#lib/nurturing/config";

describe("the nurturing configuration from NURTURING_CONFIG", () => {
  it("is the default when unset", () => {
    expect(nurturingConfig(undefined)).toEqual(DEFAULT_NURTURING);
    expect(nurturingConfig("")).toEqual(DEFAULT_NURTURING);
  });

  it("parses a valid configuration", () => {
    const config = {
      sources: ["referral"],
      steps: [{ waitSeconds: 0, touch: "hello.v2" }],
      qualificationThreshold: 10,
    };
    expect(nurturingConfig(JSON.stringify(config))).toEqual(config);
  });

  it("fails loudly, naming the field, on anything else", () => {
    expect(() => nurturingConfig("{")).toThrow(/NURTURING_CONFIG is not JSON/);
    const bad = (value: object) => () => nurturingConfig(JSON.stringify(value));
    const base = {
      sources: [],
      steps: [{ waitSeconds: 1, touch: "a" }],
      qualificationThreshold: 1,
    };
    expect(bad({ ...base, sources: ["fax"] })).toThrow(/sources\.0/);
    expect(bad({ ...base, sources: ["event", "event"] })).toThrow(/unique/);
    expect(bad({ ...base, steps: [] })).toThrow(/steps/);
    expect(bad({ ...base, steps: [{ waitSeconds: -1, touch: "a" }] })).toThrow(
      /steps\.0\.waitSeconds/,
    );
    expect(bad({ ...base, steps: [{ waitSeconds: 1.5, touch: "a" }] })).toThrow(/waitSeconds/);
    expect(bad({ ...base, steps: [{ waitSeconds: 1, touch: "Has Spaces" }] })).toThrow(/touch/);
    expect(bad({ ...base, steps: [{ waitSeconds: 1, touch: "a", extra: 1 }] })).toThrow(/steps\.0/);
    expect(bad({ ...base, qualificationThreshold: 0 })).toThrow(/qualificationThreshold/);
    expect(bad({ ...base, surprise: true })).toThrow(/NURTURING_CONFIG is invalid/);
  });
});
