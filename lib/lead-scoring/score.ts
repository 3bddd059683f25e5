import { DAY_MS, decayFactor, decaysGradually, settlesAt } from "#lib/lead-scoring/decay";
import { describeFit, type FitAttributes, matchesFit } from "#lib/lead-scoring/fit";
import type {
  EngagementRule,
  ExplainedEngagementRule,
  ExplainedFitRule,
  ExplainedSignal,
  FitRule,
  Signal,
} from "#lib/lead-scoring/schema";
import { MAX_SCORE, type ScoreBreakdownEntry } from "#lib/leads/schema";

/**
 * The scoring function: pure, so that the consumer, the decay review, nurturing's re-score and
 * the explanation route all compute the same number from the same inputs.
 *
 *   score = Σ points of the fit rules the lead matches
 *         + Σ over engagement rules of round(clamp(Σ points × decay(age) of its signals, ±cap))
 *
 * held within ±MAX_SCORE. Each engagement rule is rounded to whole points on its own, so the
 * explanation's rule lines add up to the total exactly.
 */
export interface ScoringRules {
  readonly fitRules: readonly FitRule[];
  readonly engagementRules: readonly EngagementRule[];
}

export interface ScoreResult {
  readonly total: number;
  readonly clamped: boolean;
  readonly fit: { readonly points: number; readonly rules: readonly ExplainedFitRule[] };
  readonly engagement: {
    readonly points: number;
    readonly rules: readonly ExplainedEngagementRule[];
  };
  /**
   * The earliest time (epoch ms, at or after `at`) from which the score may change with no new
   * event, as its signals decay or leave their retention; undefined when it never will.
   */
  readonly reviewAfter: number | undefined;
}

/** Half away from zero, so that +2.5 and -2.5 round alike (Math.round gives 3 and -2). */
const roundWhole = (value: number) => Math.sign(value) * Math.round(Math.abs(value));
const roundTo = (value: number, decimals: number) => {
  const rounded = Number(value.toFixed(decimals));
  return Object.is(rounded, -0) ? 0 : rounded;
};
const clamp = (value: number, bound: number) => Math.min(bound, Math.max(-bound, value));

const normalized = (text: string) => text.toLowerCase();

/** Whether a rule counts a signal; see `engagementRule` in `schema.ts`. */
export const countsSignal = (rule: EngagementRule, signal: Signal): boolean => {
  switch (rule.signal) {
    case "activity":
      return (
        signal.kind === "activity" &&
        (rule.activityTypes === undefined ||
          (signal.activityType !== undefined && rule.activityTypes.includes(signal.activityType)))
      );
    case "meeting_scheduled":
      return signal.kind === "activity" && signal.activityType === "meeting";
    case "email_opened":
      return signal.kind === "email_opened" && sameCampaign(rule.campaign, signal.campaign);
    case "email_clicked":
      return (
        signal.kind === "email_clicked" &&
        sameCampaign(rule.campaign, signal.campaign) &&
        urlContains(rule.urlContains, signal.url)
      );
    case "page_visited":
      return signal.kind === "page_visited" && urlContains(rule.urlContains, signal.url);
    case "form_submitted":
      return signal.kind === "form_submitted";
  }
};

const sameCampaign = (wanted: string | undefined, actual: string | undefined) =>
  wanted === undefined || (actual !== undefined && normalized(actual) === normalized(wanted));
const urlContains = (wanted: string | undefined, url: string | undefined) =>
  wanted === undefined || (url !== undefined && normalized(url).includes(normalized(wanted)));

const explainFit = (rule: FitRule, lead: FitAttributes): ExplainedFitRule => {
  const matched = matchesFit(rule.when, lead);
  return {
    rule: rule.id,
    ...(rule.description === undefined ? {} : { description: rule.description }),
    condition: describeFit(rule.when),
    matched,
    points: matched ? rule.points : 0,
  };
};

const explainSignal = (rule: EngagementRule, signal: Signal, at: number): ExplainedSignal => {
  const ageMs = Math.max(0, at - Date.parse(signal.occurredAt));
  const factor = decayFactor(rule.decay, ageMs);
  return {
    key: signal.key,
    kind: signal.kind,
    occurredAt: signal.occurredAt,
    source: signal.source,
    ...(signal.activityType === undefined ? {} : { activityType: signal.activityType }),
    ...(signal.url === undefined ? {} : { url: signal.url }),
    ...(signal.campaign === undefined ? {} : { campaign: signal.campaign }),
    ageDays: roundTo(ageMs / DAY_MS, 2),
    originalPoints: rule.points,
    decayFactor: roundTo(factor, 4),
    currentPoints: roundTo(rule.points * factor, 2),
  };
};

const newestFirst = (a: Signal, b: Signal) =>
  Date.parse(b.occurredAt) - Date.parse(a.occurredAt) || (a.key < b.key ? -1 : 1);

export const scoreLead = (
  rules: ScoringRules,
  lead: FitAttributes,
  signals: readonly Signal[],
  at: Date,
): ScoreResult => {
  const now = at.getTime();
  const fitRules = rules.fitRules.map((rule) => explainFit(rule, lead));
  const fitPoints = fitRules.reduce((sum, rule) => sum + rule.points, 0);

  let reviewAfter: number | undefined;
  const review = (time: number) => {
    reviewAfter = reviewAfter === undefined ? time : Math.min(reviewAfter, time);
  };
  const sorted = [...signals].sort(newestFirst);
  const engagementRules = rules.engagementRules.map((rule): ExplainedEngagementRule => {
    const counted = sorted.filter((signal) => countsSignal(rule, signal));
    let exact = 0;
    for (const signal of counted) {
      const occurredAt = Date.parse(signal.occurredAt);
      exact += rule.points * decayFactor(rule.decay, now - occurredAt);
      const settles = settlesAt(rule.decay, rule.points, occurredAt);
      if (settles > now) review(decaysGradually(rule.decay) ? now : settles);
    }
    const capped = rule.cap === undefined ? exact : clamp(exact, rule.cap);
    return {
      rule: rule.id,
      ...(rule.description === undefined ? {} : { description: rule.description }),
      signal: rule.signal,
      pointsPerSignal: rule.points,
      ...(rule.cap === undefined ? {} : { cap: rule.cap }),
      decay: rule.decay,
      signals: counted.map((signal) => explainSignal(rule, signal, now)),
      uncappedPoints: roundTo(exact, 2),
      capApplied: rule.cap !== undefined && Math.abs(exact) > rule.cap,
      points: roundWhole(capped),
    };
  });
  const engagementPoints = engagementRules.reduce((sum, rule) => sum + rule.points, 0);
  const sum = fitPoints + engagementPoints;
  return {
    total: clamp(sum, MAX_SCORE),
    clamped: Math.abs(sum) > MAX_SCORE,
    fit: { points: fitPoints, rules: fitRules },
    engagement: { points: engagementPoints, rules: engagementRules },
    reviewAfter,
  };
};

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;
/** A breakdown line's detail is at most 500 characters (lib/leads/schema.ts). */
const MAX_DETAIL = 500;
const shortened = (text: string) =>
  text.length <= MAX_DETAIL ? text : `${text.slice(0, MAX_DETAIL - 1)}…`;

/**
 * The short explanation stored on the lead (`scoreBreakdown`): one line per matched fit rule and
 * per engagement rule with signals. `GET /leads/{leadId}/score` gives the full one.
 */
export const breakdownOf = (result: ScoreResult): ScoreBreakdownEntry[] => [
  ...result.fit.rules
    .filter((rule) => rule.matched)
    .map((rule) => ({
      rule: rule.rule,
      category: "fit",
      points: rule.points,
      detail: shortened(rule.description ?? rule.condition),
    })),
  ...result.engagement.rules
    .filter((rule) => rule.signals.length > 0)
    .map((rule) => ({
      rule: rule.rule,
      category: "engagement",
      points: rule.points,
      detail: `${plural(rule.signals.length, "signal")}${rule.capApplied ? `, capped at ${rule.cap}` : ""}`,
    })),
];
