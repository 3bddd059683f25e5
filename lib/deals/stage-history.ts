import type { Deal, DealStatus, StageHistoryEntry } from "#lib/deals/schema";
import { MAX_STAGE_HISTORY } from "#lib/deals/schema";
import type { Stage } from "#lib/pipelines/schema";
import { outcomeOf } from "#lib/pipelines/stages";

/** The fields of a deal that say where it is in its pipeline, and how it got there. */
export type StagePosition = Pick<
  Deal,
  | "pipelineId"
  | "stageId"
  | "status"
  | "stageEnteredAt"
  | "closedAt"
  | "closeReason"
  | "stageHistory"
>;

export interface StageEntry {
  readonly pipelineId: string;
  readonly stage: Stage;
  readonly at: Date;
  readonly actor: string;
  readonly reason?: string | undefined;
}

/** The event verb of a write that puts a deal in `stage`: `won`, `lost` or `stage_changed`. */
export const stageChangeVerb = (stage: Stage): "won" | "lost" | "stage_changed" => {
  const outcome = outcomeOf(stage);
  return outcome === "open" ? "stage_changed" : outcome;
};

const entryOf = ({ pipelineId, stage, at, actor, reason }: StageEntry): StageHistoryEntry => ({
  pipelineId,
  stageId: stage.id,
  enteredAt: at.toISOString(),
  enteredBy: actor,
  ...(reason === undefined ? {} : { reason }),
});

const positionIn = (entry: StageEntry, history: StageHistoryEntry[]): StagePosition => {
  const status: DealStatus = outcomeOf(entry.stage);
  const at = entry.at.toISOString();
  return {
    pipelineId: entry.pipelineId,
    stageId: entry.stage.id,
    status,
    stageEnteredAt: at,
    ...(status === "open" ? {} : { closedAt: at }),
    ...(status === "open" || entry.reason === undefined ? {} : { closeReason: entry.reason }),
    stageHistory: history.slice(-MAX_STAGE_HISTORY),
  };
};

/** Where a new deal starts: one history entry, for its first stage. */
export const firstPosition = (entry: StageEntry): StagePosition =>
  positionIn(entry, [entryOf(entry)]);

/** Whole seconds from `from` to `to`, never negative (clocks of two hosts may disagree a little). */
export const secondsBetween = (from: string, to: Date): number =>
  Math.max(0, Math.floor((to.getTime() - Date.parse(from)) / 1000));

/**
 * The deal moved to `entry.stage`: the current history entry is closed with the time spent in
 * it, a new one opens, and the status, close time and reason follow the new stage. Reopening
 * (from a closed stage to an open one) clears `closedAt` and `closeReason`; the history keeps
 * them.
 */
export const movedPosition = (deal: StagePosition, entry: StageEntry): StagePosition => {
  const leftAt = entry.at.toISOString();
  const closed = deal.stageHistory.map((h, index) =>
    index === deal.stageHistory.length - 1 && h.leftAt === undefined
      ? { ...h, leftAt, durationSeconds: secondsBetween(h.enteredAt, entry.at) }
      : h,
  );
  return positionIn(entry, [...closed, entryOf(entry)]);
};

/** Replaces the position fields of `deal` (optional ones the new position lacks are removed). */
export const withPosition = <D extends StagePosition>(deal: D, position: StagePosition): D => {
  const { closedAt: _closedAt, closeReason: _closeReason, ...rest } = deal;
  return { ...rest, ...position } as D;
};
