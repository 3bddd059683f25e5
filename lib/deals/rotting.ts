import type { DealStatus } from "#lib/deals/schema";
import type { Stage } from "#lib/pipelines/schema";

export const DAY_MILLISECONDS = 24 * 60 * 60 * 1000;

interface Idleness {
  /** Open and in its stage for longer than the stage's `rottingDays`. */
  readonly rotting: boolean;
  /** Whole days in the current stage; only for open deals. */
  readonly idleDays?: number;
}

/**
 * Whether a deal is rotting, derived when it is read, so it is right as of every read and needs
 * no schedule to set or clear it.
 *
 * Idleness is the time since the deal entered its current stage: only moving the deal resets it,
 * not logging activities on it. That is the signal sales managers look for (a deal that is worked
 * but does not advance), and it can be worked out from the deal alone, so a board page and a
 * single read always agree. (Activities are in the deal's engagement, `lastActivityAt`, shown by
 * `GET /deals/{id}`; folding them in would cost every list page a read of each deal's
 * engagement.) Closed deals never rot; a stage without `rottingDays` lets deals sit for ever.
 */
export const idlenessOf = (
  deal: { readonly status: DealStatus; readonly stageEnteredAt: string },
  stage: Pick<Stage, "rottingDays"> | undefined,
  now: Date,
): Idleness => {
  if (deal.status !== "open") return { rotting: false };
  const idleMilliseconds = Math.max(0, now.getTime() - Date.parse(deal.stageEnteredAt));
  const threshold = stage?.rottingDays;
  return {
    rotting: threshold !== undefined && idleMilliseconds > threshold * DAY_MILLISECONDS,
    idleDays: Math.floor(idleMilliseconds / DAY_MILLISECONDS),
  };
};
