import { DomainError } from "#lib/errors/domain-error";
import { isLostStage, type Pipeline, type Stage, type StageInput } from "#lib/pipelines/schema";
import { newId } from "#lib/records/ids";

/** What a new list of stages does to a pipeline's current one. */
interface StagePlan {
  /** The new list, in its order. */
  readonly stages: readonly Stage[];
  /** New stages: their counters are created. */
  readonly added: readonly Stage[];
  /** Stages left out: deleted with their counters, only while they hold no deal. */
  readonly removed: readonly Stage[];
  /** Kept stages whose closed or won flag changes: only while they hold no deal. */
  readonly flagsChanged: readonly Stage[];
}

const toStage = (input: StageInput, id: string): Stage => ({
  id,
  name: input.name,
  winProbability: input.winProbability,
  closed: input.closed,
  won: input.won,
  ...(input.rottingDays === undefined ? {} : { rottingDays: input.rottingDays }),
});

/**
 * Matches the new list against the current stages by id. Ids are the server's: an id the
 * pipeline does not have is refused rather than taken as a new stage, so a typo cannot quietly
 * replace a stage (and strand its deals' history) with a new one.
 */
export const planStages = (
  current: readonly Stage[],
  input: readonly StageInput[],
  newStageId: () => string = () => newId("stg"),
): StagePlan => {
  const byId = new Map(current.map((stage) => [stage.id, stage]));
  const unknown = input.flatMap((s) => (s.id && !byId.has(s.id) ? [s.id] : []));
  if (unknown.length > 0) {
    throw new DomainError(
      "unprocessable",
      "pipeline.unknown_stage",
      `The pipeline has no stage ${unknown.join(", ")}; leave out the id of a new stage.`,
      { stageIds: unknown },
    );
  }
  const stages = input.map((s) => toStage(s, s.id ?? newStageId()));
  const kept = new Set(input.flatMap((s) => (s.id ? [s.id] : [])));
  return {
    stages,
    added: stages.filter((s) => !byId.has(s.id)),
    removed: current.filter((s) => !kept.has(s.id)),
    flagsChanged: stages.filter((s) => {
      const before = byId.get(s.id);
      return before !== undefined && (before.closed !== s.closed || before.won !== s.won);
    }),
  };
};

export const stageOf = (pipeline: Pipeline, stageId: string): Stage | undefined =>
  pipeline.stages.find((stage) => stage.id === stageId);

/** Where a deal starts when its creator names no stage: the first open stage. */
export const firstOpenStage = (pipeline: Pipeline): Stage | undefined =>
  pipeline.stages.find((stage) => !stage.closed);

type DealOutcome = "open" | "won" | "lost";

export const outcomeOf = (stage: Stage): DealOutcome =>
  stage.won ? "won" : isLostStage(stage) ? "lost" : "open";
