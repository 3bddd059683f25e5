import * as z from "zod/mini";
import { ACTIVITY_TYPES } from "#lib/activities/schema";
import {
  country,
  employeeBounds,
  employeeRangeChecks,
  LEAD_SOURCES,
  leadId,
  MAX_SCORE,
} from "#lib/leads/schema";
import { distinct, isoDateTime, userId } from "#lib/records/common-schema";

/**
 * The scoring model: what an admin configures with `PUT /lead-scoring/model`, and what
 * `GET /leads/{leadId}/score` answers with. A lead's score is the sum of the points of the fit
 * rules its attributes match, plus the points of its engagement signals (activities, email
 * opens and clicks, page visits, form submissions), each decayed by the age of the signal and
 * capped per rule. See docs/lead-scoring.md.
 */
export const MAX_FIT_RULES = 50;
export const MAX_ENGAGEMENT_RULES = 50;
/** Points of one rule (per signal for engagement rules), either way. */
export const MAX_RULE_POINTS = 1000;
const MAX_VALUES = 50;
/** Ten years: beyond it a decay changes nothing within the signals' retention. */
export const MAX_DECAY_DAYS = 3650;

const text = (max: number) => z.string().check(z.trim(), z.minLength(1), z.maxLength(max));

/** Rule ids are slugs the admin chooses; a lead's score breakdown names its rules by them. */
export const ruleId = z
  .string()
  .check(z.regex(/^[a-z0-9][a-z0-9-]{0,62}$/, "Use 1-63 lower-case letters, digits and dashes"));

const description = z.optional(text(200));

const points = z.int().check(
  z.minimum(-MAX_RULE_POINTS),
  z.maximum(MAX_RULE_POINTS),
  z.refine((p) => p !== 0, "A rule gives or takes points: not 0"),
);

// ---------------------------------------------------------------------------------------------
// Fit: attributes of the lead.

/**
 * `contains` matches whole words in order (`head` matches "Head of Sales", `cto` does not match
 * "Director"); `equals` matches the whole title. Both ignore case, accents and extra spaces; any
 * listed value matching is enough.
 */
const titleCondition = z.strictObject({
  attribute: z.literal("title"),
  match: z.enum(["contains", "equals"]),
  values: distinct(text(100), MAX_VALUES),
});
/** Any listed industry, compared without regard to case, accents and spacing. */
const industryCondition = z.strictObject({
  attribute: z.literal("industry"),
  values: distinct(text(100), MAX_VALUES),
});
/** The company's head count, bounds inclusive. */
const employeesCondition = z
  .strictObject({ attribute: z.literal("employees"), ...employeeBounds })
  .check(...employeeRangeChecks);
const sourceCondition = z.strictObject({
  attribute: z.literal("source"),
  values: distinct(z.enum(LEAD_SOURCES), MAX_VALUES),
});
const countryCondition = z.strictObject({
  attribute: z.literal("country"),
  values: distinct(country, MAX_VALUES),
});

/** One attribute per rule; a lead without the attribute does not match. */
export const fitCondition = z.discriminatedUnion("attribute", [
  titleCondition,
  industryCondition,
  employeesCondition,
  sourceCondition,
  countryCondition,
]);

export const fitRule = z.strictObject({
  id: ruleId,
  description,
  when: fitCondition,
  /** Given once when the lead matches; negative to mark a poor fit. */
  points,
});

// ---------------------------------------------------------------------------------------------
// Engagement: signals of what the lead did.

/**
 * How a signal's points fade with its age: not at all; halved every `days`; or falling in a
 * straight line to nothing at `days`. Days may be fractions (0.5 is twelve hours).
 */
const decayDays = z.number().check(z.positive(), z.maximum(MAX_DECAY_DAYS));
export const decay = z.discriminatedUnion("kind", [
  z.strictObject({ kind: z.literal("none") }),
  z.strictObject({ kind: z.literal("half_life"), days: decayDays }),
  z.strictObject({ kind: z.literal("linear"), days: decayDays }),
]);

export const ENGAGEMENT_SIGNALS = [
  "activity",
  "meeting_scheduled",
  "email_opened",
  "email_clicked",
  "page_visited",
  "form_submitted",
] as const;

const engagementBase = {
  id: ruleId,
  description,
  /** Given for each matching signal, before decay. */
  points,
  /** At most this many points (either way) from this rule, after decay, however many signals. */
  cap: z.optional(z.int().check(z.minimum(1), z.maximum(MAX_SCORE))),
  decay: z._default(decay, { kind: "none" }),
};
const campaign = z.optional(text(200));
/** A piece of the URL, compared without regard to case: `/pricing`. */
const urlContains = z.optional(text(200));

/**
 * What a rule counts:
 * - `activity`: an activity linked to the lead (of one of `activityTypes`, or any);
 * - `meeting_scheduled`: a meeting activity linked to the lead;
 * - `email_opened` / `email_clicked`: an integration's `email.opened` / `email.clicked` for the
 *   lead's address (of `campaign`, and for a click a URL containing `urlContains`, when given);
 * - `page_visited`: an integration's `page.visited` for the lead's address (`urlContains`);
 * - `form_submitted`: the lead came in through the web form.
 */
export const engagementRule = z
  .discriminatedUnion("signal", [
    z.strictObject({
      ...engagementBase,
      signal: z.literal("activity"),
      activityTypes: z.optional(distinct(z.enum(ACTIVITY_TYPES), MAX_VALUES)),
    }),
    z.strictObject({ ...engagementBase, signal: z.literal("meeting_scheduled") }),
    z.strictObject({ ...engagementBase, signal: z.literal("email_opened"), campaign }),
    z.strictObject({
      ...engagementBase,
      signal: z.literal("email_clicked"),
      campaign,
      urlContains,
    }),
    z.strictObject({ ...engagementBase, signal: z.literal("page_visited"), urlContains }),
    z.strictObject({ ...engagementBase, signal: z.literal("form_submitted") }),
  ])
  .check(
    z.refine((rule) => rule.cap === undefined || rule.cap >= Math.abs(rule.points), {
      message: "The cap must be at least the points of one signal",
      path: ["cap"],
    }),
  );

/** `PUT /lead-scoring/model`: the whole model at once. Rule ids are unique across both lists. */
export const scoringModelBody = z
  .strictObject({
    fitRules: z.array(fitRule).check(z.maxLength(MAX_FIT_RULES)),
    engagementRules: z.array(engagementRule).check(z.maxLength(MAX_ENGAGEMENT_RULES)),
  })
  .check(
    z.superRefine((model, ctx) => {
      const seen = new Set<string>();
      const check = (list: "fitRules" | "engagementRules", id: string, index: number) => {
        if (seen.has(id)) {
          ctx.addIssue({
            code: "custom",
            message: `Rule ${id} appears twice`,
            path: [list, index, "id"],
          });
        }
        seen.add(id);
      };
      for (const [index, rule] of model.fitRules.entries()) check("fitRules", rule.id, index);
      for (const [index, rule] of model.engagementRules.entries()) {
        check("engagementRules", rule.id, index);
      }
    }),
  );

export const scoringModelSchema = z.object({
  fitRules: z.array(fitRule),
  engagementRules: z.array(engagementRule),
  /** 0 until the model is first saved; send it back in If-Match. */
  version: z.int().check(z.minimum(0)),
  updatedAt: z.optional(isoDateTime),
  updatedBy: z.optional(userId),
});

export type FitCondition = z.output<typeof fitCondition>;
export type FitRule = z.output<typeof fitRule>;
export type Decay = z.output<typeof decay>;
export type EngagementRule = z.output<typeof engagementRule>;
export type EngagementSignal = (typeof ENGAGEMENT_SIGNALS)[number];
export type ScoringModelInput = z.output<typeof scoringModelBody>;
export type ScoringModel = z.output<typeof scoringModelSchema>;

// ---------------------------------------------------------------------------------------------
// Signals: what a lead did, as recorded from events.

export const SIGNAL_KINDS = [
  "activity",
  "email_opened",
  "email_clicked",
  "page_visited",
  "form_submitted",
] as const;
export type SignalKind = (typeof SIGNAL_KINDS)[number];

/** One engagement of a lead, stored under the lead (`lib/lead-scoring/signal-store.ts`). */
export interface Signal {
  /** Derived from the event that recorded it, so a redelivery meets the same signal. */
  readonly key: string;
  readonly kind: SignalKind;
  /** When the lead engaged: decay counts from here. */
  readonly occurredAt: string;
  /** `crm` for activities and forms, the integration's `integration.<name>` otherwise. */
  readonly source: string;
  readonly activityType?: (typeof ACTIVITY_TYPES)[number];
  readonly activityId?: string;
  readonly url?: string;
  readonly campaign?: string;
}

// ---------------------------------------------------------------------------------------------
// The explanation: `GET /leads/{leadId}/score`.

const explainedSignal = z.object({
  key: z.string(),
  kind: z.enum(SIGNAL_KINDS),
  occurredAt: z.string(),
  source: z.string(),
  activityType: z.optional(z.string()),
  url: z.optional(z.string()),
  campaign: z.optional(z.string()),
  /** Days from `occurredAt` to `computedAt`, to two decimals. */
  ageDays: z.number(),
  /** The rule's points for one signal. */
  originalPoints: z.int(),
  /** 1 when fresh, 0 when decayed away; to four decimals. */
  decayFactor: z.number(),
  /** `originalPoints × decayFactor`, to two decimals. */
  currentPoints: z.number(),
});

const explainedFitRule = z.object({
  rule: z.string(),
  description: z.optional(z.string()),
  /** The condition in words: `title contains "head", "vp"`. */
  condition: z.string(),
  matched: z.boolean(),
  /** The rule's points when matched, else 0. */
  points: z.int(),
});

const explainedEngagementRule = z.object({
  rule: z.string(),
  description: z.optional(z.string()),
  signal: z.enum(ENGAGEMENT_SIGNALS),
  pointsPerSignal: z.int(),
  cap: z.optional(z.int()),
  decay,
  signals: z.array(explainedSignal),
  /** The sum of the signals' current points, before the cap, to two decimals. */
  uncappedPoints: z.number(),
  capApplied: z.boolean(),
  /** What the rule adds: the capped sum, rounded to a whole number. */
  points: z.int(),
});

export const scoreExplanationSchema = z.object({
  leadId,
  /** The score as the model gives it at `computedAt`: fit points + engagement points. */
  total: z.int(),
  computedAt: isoDateTime,
  /** The score stored on the lead, and when it was stored. */
  storedScore: z.int(),
  scoredAt: z.optional(isoDateTime),
  /** Whether `total` is the stored score; when not, `note` says why. */
  upToDate: z.boolean(),
  note: z.optional(z.string()),
  modelVersion: z.int(),
  fit: z.object({ points: z.int(), rules: z.array(explainedFitRule) }),
  engagement: z.object({ points: z.int(), rules: z.array(explainedEngagementRule) }),
  /** Set when the sum passed ±1,000,000 and was held there. */
  clamped: z.boolean(),
});

export type ExplainedSignal = z.infer<typeof explainedSignal>;
export type ExplainedFitRule = z.infer<typeof explainedFitRule>;
export type ExplainedEngagementRule = z.infer<typeof explainedEngagementRule>;
export type ScoreExplanation = z.infer<typeof scoreExplanationSchema>;
