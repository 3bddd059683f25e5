import { describe, expect, it } from "vitest";
import { categoryOf } from "#lib/forecast/classify";
import { DEFAULT_FORECAST, forecastSettings } from "#lib/forecast/config";

const open = (winProbability: number) => ({ closed: false, won: false, winProbability });

describe("forecast categories", () => {
  it("puts closed stages in closed won or lost by their flag", () => {
    expect(categoryOf({ closed: true, won: true, winProbability: 100 }, DEFAULT_FORECAST)).toBe(
      "closed_won",
    );
    expect(categoryOf({ closed: true, won: false, winProbability: 0 }, DEFAULT_FORECAST)).toBe(
      "closed_lost",
    );
  });

  it("puts open stages in commit, best case or pipeline by the thresholds, inclusive", () => {
    expect(categoryOf(open(100), DEFAULT_FORECAST)).toBe("commit");
    expect(categoryOf(open(70), DEFAULT_FORECAST)).toBe("commit");
    expect(categoryOf(open(69), DEFAULT_FORECAST)).toBe("best_case");
    expect(categoryOf(open(40), DEFAULT_FORECAST)).toBe("best_case");
    expect(categoryOf(open(39), DEFAULT_FORECAST)).toBe("pipeline");
    expect(categoryOf(open(0), DEFAULT_FORECAST)).toBe("pipeline");
    const strict = { commitThreshold: 90, bestCaseThreshold: 90 };
    expect(categoryOf(open(89), strict)).toBe("pipeline");
    expect(categoryOf(open(90), strict)).toBe("commit");
  });

  it("reads the thresholds from the environment, and refuses a best case above commit", () => {
    expect(forecastSettings(undefined)).toEqual(DEFAULT_FORECAST);
    expect(forecastSettings('{"commitThreshold":80}')).toEqual({
      commitThreshold: 80,
      bestCaseThreshold: 40,
    });
    for (const value of [
      "{",
      '{"commitThreshold":50,"bestCaseThreshold":60}',
      '{"commitThreshold":101}',
      '{"commit":70}',
    ]) {
      expect(() => forecastSettings(value), value).toThrow(/SALES_FORECAST/);
    }
  });
});
