import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DAY_MS, SIGNAL_RETENTION_DAYS, startOfNextUtcDay } from "#lib/lead-scoring/decay";
import type { FitAttributes } from "#lib/lead-scoring/fit";
import {
  type EngagementRule,
  type FitRule,
  type Signal,
  scoringModelBody,
} from "#lib/lead-scoring/schema";
import { breakdownOf, type ScoringRules, scoreLead } from "#lib/lead-scoring/score";
import { MAX_SCORE } from "#lib/leads/schema";

/** A fixed clock: every age below is counted from here. */
const NOW = new Date("2026-12-01T12:00:00.000Z");
const daysAgo = (days: number) => new Date(NOW.getTime() - days * DAY_MS).toISOString();

const lead: FitAttributes = {
  title: "Head of Engineering",
  industry: "Software",
  employees: 250,
  source: "web_form",
  country: "US",
};

/** Rules as the API would store them: parsed by the model's own schema. */
const model = (input: { fitRules?: unknown[]; engagementRules?: unknown[] }): ScoringRules => {
  const parsed = scoringModelBody.parse({
    fitRules: input.fitRules ?? [],
    engagementRules: input.engagementRules ?? [],
  });
  return parsed;
};

let sequence = 0;
const signal = (fields: Partial<Signal> & Pick<Signal, "kind">): Signal => ({
  key: `s${sequence++}`,
  occurredAt: NOW.toISOString(),
  source: "crm",
  ...fields,
});

const fitPoints = (rule: unknown, attributes: FitAttributes = lead) =>
  scoreLead(model({ fitRules: [rule] }), attributes, [], NOW).total;

describe("fit rules", () => {
  it("matches titles on whole words, ignoring case, accents and spacing", () => {
    const head = {
      id: "head",
      when: { attribute: "title", match: "contains", values: ["head"] },
      points: 20,
    };
    expect(fitPoints(head)).toBe(20);
    expect(fitPoints(head, { ...lead, title: "  HEAD   of  sales" })).toBe(20);
    expect(fitPoints(head, { ...lead, title: "Headhunter" })).toBe(0);
    const cto = {
      id: "cto",
      when: { attribute: "title", match: "contains", values: ["CTO"] },
      points: 30,
    };
    expect(fitPoints(cto, { ...lead, title: "Director" })).toBe(0);
    expect(fitPoints(cto, { ...lead, title: "Co-founder & CTO" })).toBe(30);
    const vpSales = {
      id: "vp-sales",
      when: { attribute: "title", match: "contains", values: ["vp sales", "vice president"] },
      points: 25,
    };
    expect(fitPoints(vpSales, { ...lead, title: "VP, Sales EMEA" })).toBe(25);
    expect(fitPoints(vpSales, { ...lead, title: "Sales VP" })).toBe(0);
    expect(fitPoints(vpSales, { ...lead, title: "Vice-President of Marketing" })).toBe(25);
  });

  it("matches a whole title with equals", () => {
    const rule = {
      id: "ceo",
      when: { attribute: "title", match: "equals", values: ["Chief Executive Officer"] },
      points: 40,
    };
    expect(fitPoints(rule, { ...lead, title: "chief  executive officer" })).toBe(40);
    expect(fitPoints(rule, { ...lead, title: "Chief Executive Officer's assistant" })).toBe(0);
  });

  it("matches industries in a list, sources, countries and employee ranges", () => {
    const industry = {
      id: "software",
      when: { attribute: "industry", values: ["Fintech", "software"] },
      points: 15,
    };
    expect(fitPoints(industry)).toBe(15);
    expect(fitPoints(industry, { ...lead, industry: "Hardware" })).toBe(0);
    const source = {
      id: "web",
      when: { attribute: "source", values: ["web_form", "referral"] },
      points: 5,
    };
    expect(fitPoints(source)).toBe(5);
    expect(fitPoints(source, { ...lead, source: "import" })).toBe(0);
    const country = { id: "na", when: { attribute: "country", values: ["us", "CA"] }, points: 10 };
    expect(fitPoints(country)).toBe(10);
    expect(fitPoints(country, { ...lead, country: "GB" })).toBe(0);
    const midMarket = {
      id: "mid",
      when: { attribute: "employees", min: 100, max: 1000 },
      points: 10,
    };
    expect(fitPoints(midMarket)).toBe(10);
    expect(fitPoints(midMarket, { ...lead, employees: 100 })).toBe(10);
    expect(fitPoints(midMarket, { ...lead, employees: 1000 })).toBe(10);
    expect(fitPoints(midMarket, { ...lead, employees: 1001 })).toBe(0);
    const tiny = { id: "tiny", when: { attribute: "employees", max: 10 }, points: -20 };
    expect(fitPoints(tiny, { ...lead, employees: 3 })).toBe(-20);
  });

  it("does not match a lead that lacks the attribute", () => {
    const bare: FitAttributes = { source: "import" };
    for (const when of [
      { attribute: "title", match: "contains", values: ["head"] },
      { attribute: "industry", values: ["software"] },
      { attribute: "employees", min: 1 },
      { attribute: "country", values: ["US"] },
    ]) {
      expect(fitPoints({ id: "r", when, points: 10 }, bare), JSON.stringify(when)).toBe(0);
    }
  });

  it("adds up every matching rule, negative ones included, and says which matched", () => {
    const result = scoreLead(
      model({
        fitRules: [
          {
            id: "head",
            when: { attribute: "title", match: "contains", values: ["head"] },
            points: 20,
          },
          { id: "software", when: { attribute: "industry", values: ["software"] }, points: 15 },
          {
            id: "students",
            when: { attribute: "title", match: "contains", values: ["student"] },
            points: -50,
          },
          {
            id: "us",
            when: { attribute: "country", values: ["US"] },
            points: -5,
            description: "Outside our focus",
          },
        ],
      }),
      lead,
      [],
      NOW,
    );
    expect(result.total).toBe(30);
    expect(result.fit.rules.map((r) => [r.rule, r.matched, r.points])).toEqual([
      ["head", true, 20],
      ["software", true, 15],
      ["students", false, 0],
      ["us", true, -5],
    ]);
    expect(result.fit.rules[0]?.condition).toBe('title contains "head"');
    expect(breakdownOf(result)).toEqual([
      { rule: "head", category: "fit", points: 20, detail: 'title contains "head"' },
      { rule: "software", category: "fit", points: 15, detail: 'industry is "software"' },
      { rule: "us", category: "fit", points: -5, detail: "Outside our focus" },
    ]);
  });
});

const engagement = (rule: Record<string, unknown>, signals: Signal[], at = NOW) =>
  scoreLead(model({ engagementRules: [{ id: "rule", ...rule }] }), lead, signals, at);

describe("engagement rules", () => {
  it("count only the signals they are about", () => {
    const signals = [
      signal({ kind: "activity", activityType: "call" }),
      signal({ kind: "activity", activityType: "meeting" }),
      signal({ kind: "email_opened", campaign: "Q4-Webinar" }),
      signal({
        kind: "email_clicked",
        url: "https://x.example/Pricing?a=1",
        campaign: "q4-webinar",
      }),
      signal({ kind: "page_visited", url: "https://x.example/blog/1" }),
      signal({ kind: "page_visited", url: "https://x.example/pricing" }),
      signal({ kind: "form_submitted" }),
    ];
    const points = (rule: Record<string, unknown>) =>
      engagement({ points: 10, ...rule }, signals).total;
    expect(points({ signal: "activity" })).toBe(20);
    expect(points({ signal: "activity", activityTypes: ["call", "email"] })).toBe(10);
    expect(points({ signal: "meeting_scheduled" })).toBe(10);
    expect(points({ signal: "email_opened" })).toBe(10);
    expect(points({ signal: "email_opened", campaign: "q4-webinar" })).toBe(10);
    expect(points({ signal: "email_opened", campaign: "spring" })).toBe(0);
    expect(points({ signal: "email_clicked", urlContains: "/pricing" })).toBe(10);
    expect(points({ signal: "email_clicked", urlContains: "/careers" })).toBe(0);
    expect(points({ signal: "page_visited" })).toBe(20);
    expect(points({ signal: "page_visited", urlContains: "/PRICING" })).toBe(10);
    expect(points({ signal: "form_submitted" })).toBe(10);
  });

  it("cap the points of a rule, either way, after decay", () => {
    const visits = [1, 2, 3, 4, 5].map(() => signal({ kind: "page_visited" }));
    const capped = engagement({ signal: "page_visited", points: 10, cap: 25 }, visits);
    expect(capped.total).toBe(25);
    const rule = capped.engagement.rules[0];
    expect(rule).toMatchObject({ uncappedPoints: 50, capApplied: true, cap: 25, points: 25 });
    expect(breakdownOf(capped)).toEqual([
      { rule: "rule", category: "engagement", points: 25, detail: "5 signals, capped at 25" },
    ]);

    const negative = engagement({ signal: "page_visited", points: -10, cap: 15 }, visits);
    expect(negative.total).toBe(-15);

    // Decay first, then the cap: five visits 30 days old at a 30-day half-life are worth 25.
    const old = [1, 2, 3, 4, 5].map(() =>
      signal({ kind: "page_visited", occurredAt: daysAgo(30) }),
    );
    const decayed = engagement(
      { signal: "page_visited", points: 10, cap: 40, decay: { kind: "half_life", days: 30 } },
      old,
    );
    expect(decayed.engagement.rules[0]).toMatchObject({ uncappedPoints: 25, capApplied: false });
    expect(decayed.total).toBe(25);
  });

  it("decay by half-life with the signal's age", () => {
    const rule = { signal: "activity", points: 40, decay: { kind: "half_life", days: 7 } };
    const at = (days: number) =>
      engagement(rule, [
        signal({ kind: "activity", activityType: "call", occurredAt: daysAgo(days) }),
      ]);
    expect(at(0).total).toBe(40);
    expect(at(7).total).toBe(20);
    expect(at(14).total).toBe(10);
    expect(at(21).total).toBe(5);
    const explained = at(3.5).engagement.rules[0]?.signals[0];
    expect(explained).toMatchObject({
      ageDays: 3.5,
      originalPoints: 40,
      // ½^(3.5/7) = √½, to four decimals.
      decayFactor: Number(Math.SQRT1_2.toFixed(4)),
      currentPoints: 28.28,
    });
    expect(at(3.5).total).toBe(28);
  });

  it("decay linearly to nothing at the end of the window", () => {
    const rule = { signal: "email_clicked", points: 30, decay: { kind: "linear", days: 10 } };
    const at = (days: number) =>
      engagement(rule, [signal({ kind: "email_clicked", occurredAt: daysAgo(days) })]);
    expect(at(0).total).toBe(30);
    expect(at(5).total).toBe(15);
    expect(at(9).total).toBe(3);
    expect(at(10).total).toBe(0);
    expect(at(20).engagement.rules[0]?.signals[0]).toMatchObject({
      decayFactor: 0,
      currentPoints: 0,
    });
  });

  it("do not decay without a decay, until the signal's retention is over", () => {
    const rule = { signal: "form_submitted", points: 25 };
    const at = (days: number) =>
      engagement(rule, [signal({ kind: "form_submitted", occurredAt: daysAgo(days) })]);
    expect(at(SIGNAL_RETENTION_DAYS - 1).total).toBe(25);
    expect(at(SIGNAL_RETENTION_DAYS).total).toBe(0);
  });

  it("count a signal from the future (a clock ahead) as fresh", () => {
    const rule = { signal: "page_visited", points: 10, decay: { kind: "half_life", days: 1 } };
    const result = engagement(rule, [
      signal({ kind: "page_visited", occurredAt: new Date(NOW.getTime() + 60_000).toISOString() }),
    ]);
    expect(result.total).toBe(10);
    expect(result.engagement.rules[0]?.signals[0]?.ageDays).toBe(0);
  });

  it("list a rule's signals newest first, with the rule rounded to whole points", () => {
    const result = engagement(
      { signal: "page_visited", points: 3, decay: { kind: "linear", days: 10 } },
      [
        signal({ kind: "page_visited", occurredAt: daysAgo(5), key: "older" }),
        signal({ kind: "page_visited", occurredAt: daysAgo(1), key: "newer" }),
      ],
    );
    const rule = result.engagement.rules[0];
    expect(rule?.signals.map((s) => s.key)).toEqual(["newer", "older"]);
    // 2.7 + 1.5 = 4.2 -> 4
    expect(rule).toMatchObject({ uncappedPoints: 4.2, points: 4 });
    expect(result.total).toBe(4);
  });
});

describe("the whole score", () => {
  it("is held within ±MAX_SCORE, and says so", () => {
    const visits = Array.from({ length: 1100 }, () => signal({ kind: "page_visited" }));
    const result = engagement({ signal: "page_visited", points: 1000 }, visits);
    expect(result.total).toBe(MAX_SCORE);
    expect(result.clamped).toBe(true);
  });

  it("says when it next may drift by itself", () => {
    const none = engagement({ signal: "form_submitted", points: 10 }, [
      signal({ kind: "form_submitted", occurredAt: daysAgo(10) }),
    ]);
    expect(none.reviewAfter).toBe(Date.parse(daysAgo(10 - SIGNAL_RETENTION_DAYS)));
    const decaying = engagement(
      { signal: "page_visited", points: 10, decay: { kind: "linear", days: 30 } },
      [signal({ kind: "page_visited", occurredAt: daysAgo(10) })],
    );
    expect(decaying.reviewAfter).toBe(NOW.getTime());
    const over = engagement(
      { signal: "page_visited", points: 10, decay: { kind: "linear", days: 30 } },
      [signal({ kind: "page_visited", occurredAt: daysAgo(31) })],
    );
    expect(over.reviewAfter).toBeUndefined();
    // A half-life is over once the signal is worth less than a hundredth of a point.
    const halfLife = { signal: "page_visited", points: 10, decay: { kind: "half_life", days: 1 } };
    expect(
      engagement(halfLife, [signal({ kind: "page_visited", occurredAt: daysAgo(9) })]).reviewAfter,
    ).toBe(NOW.getTime());
    expect(
      engagement(halfLife, [signal({ kind: "page_visited", occurredAt: daysAgo(10) })]).reviewAfter,
    ).toBeUndefined();
    expect(scoreLead(model({}), lead, [], NOW).reviewAfter).toBeUndefined();
  });

  it("is reviewed the night after, whatever time it was scored", () => {
    expect(startOfNextUtcDay(Date.parse("2026-12-01T03:00:04Z")).toISOString()).toBe(
      "2026-12-02T00:00:00.000Z",
    );
    expect(startOfNextUtcDay(Date.parse("2026-12-31T23:59:59Z")).toISOString()).toBe(
      "2027-01-01T00:00:00.000Z",
    );
  });

  const fitRuleArb: fc.Arbitrary<FitRule> = fc.record({
    id: fc.constant("f"),
    when: fc.constantFrom<FitRule["when"]>(
      { attribute: "title", match: "contains", values: ["head"] },
      { attribute: "industry", values: ["software"] },
      { attribute: "employees", min: 100 },
      { attribute: "country", values: ["GB"] },
    ),
    points: fc.integer({ min: -1000, max: 1000 }).filter((p) => p !== 0),
  });
  const engagementRuleArb: fc.Arbitrary<EngagementRule> = fc
    .record({
      signal: fc.constantFrom("activity", "page_visited", "email_clicked", "form_submitted"),
      points: fc.integer({ min: -1000, max: 1000 }).filter((p) => p !== 0),
      cap: fc.option(fc.integer({ min: 1, max: 5000 }), { nil: undefined }),
      decay: fc.constantFrom<EngagementRule["decay"]>(
        { kind: "none" },
        { kind: "half_life", days: 7 },
        { kind: "half_life", days: 0.5 },
        { kind: "linear", days: 30 },
      ),
    })
    .map(
      (r) =>
        ({
          id: "e",
          ...r,
          ...(r.cap === undefined ? {} : { cap: Math.max(r.cap, Math.abs(r.points)) }),
        }) as EngagementRule,
    );
  const signalArb: fc.Arbitrary<Signal> = fc.record({
    key: fc.uuid(),
    kind: fc.constantFrom("activity", "page_visited", "email_clicked", "form_submitted"),
    occurredAt: fc.double({ min: -1, max: 400, noNaN: true }).map(daysAgo),
    source: fc.constant("crm"),
  });

  it("is explained by lines that add up to it exactly (property)", () => {
    fc.assert(
      fc.property(
        fc.array(fitRuleArb, { maxLength: 5 }),
        fc.array(engagementRuleArb, { maxLength: 5 }),
        fc.array(signalArb, { maxLength: 40 }),
        (fitRules, engagementRules, signals) => {
          const rules = {
            fitRules: fitRules.map((r, i) => ({ ...r, id: `f${i}` })),
            engagementRules: engagementRules.map((r, i) => ({ ...r, id: `e${i}` })),
          };
          const result = scoreLead(rules, lead, signals, NOW);
          const lines = [...result.fit.rules, ...result.engagement.rules];
          const sum = lines.reduce((total, line) => total + line.points, 0);
          expect(result.total).toBe(Math.max(-MAX_SCORE, Math.min(MAX_SCORE, sum)));
          expect(result.fit.points + result.engagement.points).toBe(sum);
          for (const rule of result.engagement.rules) {
            if (rule.cap !== undefined) expect(Math.abs(rule.points)).toBeLessThanOrEqual(rule.cap);
            expect(Number.isInteger(rule.points)).toBe(true);
          }
          // The stored breakdown adds up to the same total (no clamping at these sizes).
          const breakdown = breakdownOf(result);
          expect(breakdown.reduce((total, line) => total + line.points, 0)).toBe(sum);
        },
      ),
    );
  });
});
