import type { Principal } from "#lib/auth/principal";
import { retryOnContention } from "#lib/db/contention";
import { queryPartition } from "#lib/db/query-partition";
import { createRecord, listRecords, toRecord } from "#lib/db/record-store";
import { DomainError, notFound } from "#lib/errors/domain-error";
import type { Page } from "#lib/http/response";
import { forgetPipeline, rememberPipeline } from "#lib/pipelines/cache";
import {
  allPipelinesPartition,
  changeStageFlags,
  createStageCounter,
  pipelineKey,
  pipelineModel,
  pipelinePartition,
  refusedStages,
  removeStageCounter,
  STAGE_COUNTER_PREFIX,
  STAGE_IN_USE,
} from "#lib/pipelines/keys";
import type {
  CreatePipeline,
  ListPipelinesQuery,
  Pipeline,
  PipelineDetail,
  UpdatePipeline,
} from "#lib/pipelines/schema";
import { planStages } from "#lib/pipelines/stages";
import { DEFAULT_PAGE_SIZE } from "#lib/records/common-schema";
import { newId } from "#lib/records/ids";
import { mutateRecord, removeRecord, stamp } from "#lib/records/mutate";

interface PartitionContents {
  readonly pipeline: Pipeline | undefined;
  /** Deals per stage id, from the stage counters. */
  readonly dealCounts: ReadonlyMap<string, number>;
}

/**
 * The pipeline and all its stage counters: one consistent Query of its partition (one page: the
 * pipeline and at most `MAX_STAGES` counters are far below 1 MB).
 */
const readPartition = async (id: string): Promise<PartitionContents> => {
  const items = await queryPartition(pipelinePartition(id), undefined, { consistent: true });
  let pipeline: Pipeline | undefined;
  const dealCounts = new Map<string, number>();
  for (const item of items) {
    if (item.sk === pipelineKey(id).sk) pipeline = toRecord<Pipeline>(item);
    else if (String(item.sk).startsWith(STAGE_COUNTER_PREFIX)) {
      dealCounts.set(String(item.stageId), Number(item.dealCount ?? 0));
    }
  }
  return { pipeline, dealCounts };
};

/**
 * A refusal because stages still hold deals becomes a 409 that names each stage with its count.
 * The counts are read after the refusal, for the message only: the refusal itself was decided by
 * the transaction's conditions.
 */
const explainStagesInUse =
  (id: string, before: () => Pipeline | undefined) =>
  async (error: unknown): Promise<never> => {
    const stageIds = refusedStages(error, STAGE_IN_USE);
    if (stageIds.length === 0) throw error;
    const { dealCounts } = await readPartition(id);
    const names = new Map((before()?.stages ?? []).map((s) => [s.id, s.name]));
    const stages = stageIds.map((stageId) => ({
      id: stageId,
      name: names.get(stageId) ?? stageId,
      dealCount: dealCounts.get(stageId) ?? 0,
    }));
    throw new DomainError(
      "conflict",
      "pipeline.stage_has_deals",
      `Deals are still in ${stages.map((s) => `"${s.name}" (${s.dealCount})`).join(", ")}. ` +
        "A stage can be deleted, or made open, won or lost, only while it holds no deal: move its deals first.",
      { stages },
    );
  };

export const createPipeline = async (
  input: CreatePipeline,
  actor: Principal,
): Promise<Pipeline> => {
  const id = newId("pip");
  const plan = planStages([], input.stages);
  const now = new Date().toISOString();
  const pipeline: Pipeline = {
    id,
    name: input.name,
    stages: [...plan.stages],
    version: 1,
    createdAt: now,
    updatedAt: now,
    createdBy: actor.userId,
    updatedBy: actor.userId,
  };
  await createRecord(
    pipelineModel,
    pipeline,
    plan.added.map((stage) => createStageCounter(id, stage)),
  );
  rememberPipeline(pipeline);
  return pipeline;
};

/** The pipeline with the number of deals in each stage. */
export const getPipeline = async (id: string): Promise<PipelineDetail> => {
  const { pipeline, dealCounts } = await readPartition(id);
  if (!pipeline) throw notFound("pipeline", id);
  return {
    ...pipeline,
    stages: pipeline.stages.map((stage) => ({
      ...stage,
      dealCount: dealCounts.get(stage.id) ?? 0,
    })),
  };
};

/** All pipelines by name; a handful per account, so one page is usually all of them. */
export const listPipelines = (query: ListPipelinesQuery): Promise<Page<Pipeline>> =>
  listRecords<Pipeline>({
    index: "gsi3",
    partition: allPipelinesPartition,
    limit: query.limit ?? DEFAULT_PAGE_SIZE,
    cursor: query.cursor,
  });

export const updatePipeline = async (
  id: string,
  patch: UpdatePipeline,
  expectedVersion: number | undefined,
  actor: Principal,
): Promise<Pipeline> => {
  let before: Pipeline | undefined;
  const after = await retryOnContention(() =>
    mutateRecord(pipelineModel, id, expectedVersion, (current) => {
      before = current;
      const plan = patch.stages ? planStages(current.stages, patch.stages) : undefined;
      return {
        after: stamp(
          {
            ...current,
            name: patch.name ?? current.name,
            stages: plan ? [...plan.stages] : current.stages,
          },
          actor.userId,
        ),
        extra: plan
          ? [
              ...plan.added.map((stage) => createStageCounter(id, stage)),
              ...plan.removed.map((stage) => removeStageCounter(id, stage.id)),
              ...plan.flagsChanged.map((stage) => changeStageFlags(id, stage)),
            ]
          : [],
      };
    }),
  ).catch(explainStagesInUse(id, () => before));
  rememberPipeline(after);
  return after;
};

export const deletePipeline = async (
  id: string,
  expectedVersion: number | undefined,
  actor: Principal,
): Promise<void> => {
  await retryOnContention(() =>
    removeRecord(pipelineModel, id, expectedVersion, actor.userId, (pipeline) =>
      pipeline.stages.map((stage) => removeStageCounter(id, stage.id)),
    ),
  ).catch(async (error: unknown) => {
    if (refusedStages(error, STAGE_IN_USE).length === 0) throw error;
    const { dealCounts } = await readPartition(id);
    const dealCount = [...dealCounts.values()].reduce((sum, n) => sum + n, 0);
    throw new DomainError(
      "conflict",
      "pipeline.has_deals",
      `The pipeline still holds ${dealCount} deal(s). Move or delete them first.`,
      { dealCount },
    );
  });
  forgetPipeline(id);
};
