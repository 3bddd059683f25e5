import { getRecord } from "#lib/db/record-store";
import { startOfNextUtcDay } from "#lib/lead-scoring/decay";
import { getScoringModel, putScoringModel } from "#lib/lead-scoring/model";
import type { ScoreExplanation } from "#lib/lead-scoring/schema";
import { breakdownOf, type ScoreResult, scoreLead } from "#lib/lead-scoring/score";
import {
  getScoringState,
  listSignals,
  type ScoredState,
  type ScoringState,
  saveScoringState,
} from "#lib/lead-scoring/signal-store";
import { leadModel } from "#lib/leads/keys";
import type { Lead } from "#lib/leads/schema";
import { getLead, setLeadScore } from "#lib/leads/service";

/**
 * Lead scoring: a lead's score is recomputed from its fit attributes and its engagement signals
 * whenever one of them changes (the `lead-scoring-*` rules, `lib/lead-scoring/consumer.ts`),
 * nightly while its signals decay (`lib/lead-scoring/review.ts`), and on demand by nurturing
 * (`rescoreLead`). The score is stored on the lead through `setLeadScore`, which writes (and
 * announces `lead.score_changed`) only when the score or its breakdown changed.
 */
export { getScoringModel, putScoringModel };

/** The actor of every score write; `lead.score_changed` events name it. */
export const SCORING_ACTOR = "lead-scoring";

/** Recomputes that lose this many races in a row give up, for the event to be retried. */
const ATTEMPTS = 5;

/** When the decay review should next look at the lead: the night after its score may drift. */
const nextReviewOf = (result: ScoreResult, at: Date): string | undefined =>
  result.reviewAfter === undefined
    ? undefined
    : startOfNextUtcDay(Math.max(at.getTime(), result.reviewAfter)).toISOString();

const sameAsStored = (state: ScoringState | undefined, revision: number, next: ScoredState) =>
  state !== undefined &&
  state.scoredRevision === revision &&
  state.score === next.score &&
  state.modelVersion === next.modelVersion &&
  state.nextReviewAt === next.nextReviewAt;

/**
 * Re-scores a lead now (or as of `at`) from everything it is and did, stores the score when it
 * changed, and returns the lead as it is then; undefined when the lead does not exist. Converted
 * leads keep the score they converted with.
 *
 * Safe to call at any time and concurrently: a recompute saves its result only if no signal or
 * fit change landed after it started reading (see `signal-store.ts`); otherwise it computes
 * again, so the last score stored is one computed from everything recorded.
 */
export const rescoreLead = async (
  leadId: string,
  at: Date = new Date(),
): Promise<Lead | undefined> => {
  for (let attempt = 1; ; attempt++) {
    // The revision first: whatever changes after this read makes the save below fail.
    const state = await getScoringState(leadId);
    const revision = state?.revision ?? 0;
    const [lead, model, signals] = await Promise.all([
      getRecord(leadModel, leadId),
      getScoringModel(),
      listSignals(leadId, at),
    ]);
    if (!lead) return undefined;
    if (lead.status === "converted") {
      // Frozen: out of the decay review for good.
      if (state?.nextReviewAt !== undefined) {
        await saveScoringState(leadId, revision, {
          score: lead.score,
          scoredAt: lead.scoredAt ?? at.toISOString(),
          modelVersion: model.version,
          nextReviewAt: undefined,
        });
      }
      return lead;
    }
    const result = scoreLead(model, lead, signals, at);
    const next: ScoredState = {
      score: result.total,
      scoredAt: at.toISOString(),
      modelVersion: model.version,
      nextReviewAt: nextReviewOf(result, at),
    };
    const stored = await setLeadScore(
      leadId,
      { score: result.total, breakdown: breakdownOf(result) },
      SCORING_ACTOR,
    );
    const leadWritten = stored.version !== lead.version;
    if (!leadWritten && sameAsStored(state, revision, next)) return stored;
    if (await saveScoringState(leadId, revision, next)) return stored;
    if (attempt >= ATTEMPTS) {
      throw new Error(`Lead ${leadId}: its signals kept changing during ${ATTEMPTS} recomputes`);
    }
  }
};

/**
 * `GET /leads/{leadId}/score`: the score rule by rule as the model gives it at `at` (now), with
 * the stored score beside it. They are equal unless something changed since the lead was last
 * scored that has not reached it yet (a signal on its way, decay since the last review, a new
 * model before the nightly roll-out); then `note` says so.
 */
export const explainLeadScore = async (
  leadId: string,
  at: Date = new Date(),
): Promise<ScoreExplanation> => {
  const [lead, model, signals] = await Promise.all([
    getLead(leadId),
    getScoringModel(),
    listSignals(leadId, at),
  ]);
  const result = scoreLead(model, lead, signals, at);
  const upToDate = result.total === lead.score;
  const stored = `The stored score ${lead.score} was computed ${lead.scoredAt ? `at ${lead.scoredAt}` : "when the lead was created"}`;
  const note =
    lead.status === "converted"
      ? `${stored}; the lead is converted, so its score no longer changes.`
      : upToDate
        ? undefined
        : `${stored}. Since then signals arrived or decayed, or the model changed; the lead is re-scored at its next event or by the nightly decay review.`;
  return {
    leadId,
    total: result.total,
    computedAt: at.toISOString(),
    storedScore: lead.score,
    ...(lead.scoredAt === undefined ? {} : { scoredAt: lead.scoredAt }),
    upToDate,
    ...(note === undefined ? {} : { note }),
    modelVersion: model.version,
    fit: { points: result.fit.points, rules: [...result.fit.rules] },
    engagement: { points: result.engagement.points, rules: [...result.engagement.rules] },
    clamped: result.clamped,
  };
};
