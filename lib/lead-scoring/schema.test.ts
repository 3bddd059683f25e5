import { describe, expect, it } from "vitest";
import { scoringModelBody } from "#lib/lead-scoring/schema";

const valid = {
  fitRules: [
    {
      id: "title-head",
      description: "Decision makers",
      when: { attribute: "title", match: "contains", values: ["head", "vp"] },
      points: 20,
    },
    { id: "tiny", when: { attribute: "employees", max: 10 }, points: -15 },
  ],
  engagementRules: [
    {
      id: "clicks",
      signal: "email_clicked",
      urlContains: "/pricing",
      points: 10,
      cap: 30,
      decay: { kind: "half_life", days: 14 },
    },
    { id: "calls", signal: "activity", activityTypes: ["call"], points: 5 },
  ],
};

const issuesOf = (body: unknown) =>
  (scoringModelBody.safeParse(body).error?.issues ?? []).map(
    (issue) => `${issue.path.join(".")}: ${issue.message}`,
  );

const withEngagement = (rule: Record<string, unknown>) => ({
  fitRules: [],
  engagementRules: [{ id: "e", signal: "page_visited", points: 5, ...rule }],
});

describe("the scoring model's schema", () => {
  it("accepts a model, filling in no decay where none is given", () => {
    const parsed = scoringModelBody.parse(valid);
    expect(parsed.engagementRules[1]).toEqual({
      id: "calls",
      signal: "activity",
      activityTypes: ["call"],
      points: 5,
      decay: { kind: "none" },
    });
    expect(scoringModelBody.parse({ fitRules: [], engagementRules: [] })).toEqual({
      fitRules: [],
      engagementRules: [],
    });
  });

  it("refuses the same rule id twice, across both lists", () => {
    expect(
      issuesOf({
        ...valid,
        engagementRules: [{ id: "title-head", signal: "form_submitted", points: 5 }],
      }),
    ).toEqual(["engagementRules.0.id: Rule title-head appears twice"]);
  });

  it("refuses unknown fields, filters that do not belong to the signal, and missing lists", () => {
    expect(issuesOf({ ...valid, threshold: 50 })).toHaveLength(1);
    expect(issuesOf(withEngagement({ activityTypes: ["call"] }))).toHaveLength(1);
    expect(issuesOf(withEngagement({ signal: "form_submitted", urlContains: "/x" }))).toHaveLength(
      1,
    );
    expect(issuesOf({ fitRules: [] })).toHaveLength(1);
    expect(
      issuesOf({
        fitRules: [{ id: "x", when: { attribute: "title", values: ["a"] }, points: 5 }],
        engagementRules: [],
      }),
    ).toHaveLength(1);
  });

  it("refuses zero, fractional and out-of-range points, and a cap below one signal's points", () => {
    expect(issuesOf(withEngagement({ points: 0 }))).toEqual([
      "engagementRules.0.points: A rule gives or takes points: not 0",
    ]);
    expect(issuesOf(withEngagement({ points: 2.5 }))).toHaveLength(1);
    expect(issuesOf(withEngagement({ points: 1001 }))).toHaveLength(1);
    expect(issuesOf(withEngagement({ points: -20, cap: 10 }))).toEqual([
      "engagementRules.0.cap: The cap must be at least the points of one signal",
    ]);
    const capIssues = issuesOf(withEngagement({ cap: 0 }));
    expect(capIssues.length).toBeGreaterThan(0);
    for (const issue of capIssues) {
      expect(issue).toMatch(/^engagementRules\.0\.cap: /);
    }
  });

  it("refuses decays without a positive length, or with one beyond ten years", () => {
    expect(issuesOf(withEngagement({ decay: { kind: "half_life", days: 0 } }))).toHaveLength(1);
    expect(issuesOf(withEngagement({ decay: { kind: "linear", days: 3651 } }))).toHaveLength(1);
    expect(issuesOf(withEngagement({ decay: { kind: "linear" } }))).toHaveLength(1);
    expect(issuesOf(withEngagement({ decay: { kind: "exponential", days: 3 } }))).toHaveLength(1);
    expect(issuesOf(withEngagement({ decay: { kind: "half_life", days: 0.25 } }))).toEqual([]);
  });

  it("refuses bad fit conditions: bad ids, empty or repeated values, inverted ranges", () => {
    const fitIssues = (rule: Record<string, unknown>) =>
      issuesOf({ fitRules: [{ id: "f", points: 5, ...rule }], engagementRules: [] });
    expect(
      fitIssues({ id: "Title Head", when: { attribute: "source", values: ["import"] } }),
    ).toHaveLength(1);
    expect(fitIssues({ when: { attribute: "industry", values: [] } })).toHaveLength(1);
    expect(fitIssues({ when: { attribute: "industry", values: ["a", "a"] } })).toHaveLength(1);
    expect(fitIssues({ when: { attribute: "employees" } })).toHaveLength(1);
    expect(fitIssues({ when: { attribute: "employees", min: 500, max: 100 } })).toEqual([
      "fitRules.0.when.max: min must not exceed max",
    ]);
    expect(fitIssues({ when: { attribute: "source", values: ["newsletter"] } })).toHaveLength(1);
    expect(fitIssues({ when: { attribute: "country", values: ["USA"] } })).toHaveLength(1);
    expect(fitIssues({ when: { attribute: "owner", values: ["u1"] } })).toHaveLength(1);
  });

  it("bounds the number of rules", () => {
    const many = Array.from({ length: 51 }, (_, i) => ({
      id: `r${i}`,
      when: { attribute: "source", values: ["import"] },
      points: 1,
    }));
    expect(issuesOf({ fitRules: many, engagementRules: [] })).toHaveLength(1);
  });
});
