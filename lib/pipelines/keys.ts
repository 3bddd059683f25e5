import { tableName } from "#lib/db/client";
import {
  type ExtraItem,
  type IndexKeys,
  type ItemKey,
  type RecordModel,
  WriteConflict,
} from "#lib/db/record-store";
import type { Pipeline, Stage } from "#lib/pipelines/schema";
import { nameSortKey } from "#lib/records/sort-key";

/**
 * Every key format of pipelines, in one place. See docs/data-model.md for the access patterns.
 *
 * | item          | pk              | sk              | gsi3              |
 * |---------------|-----------------|-----------------|-------------------|
 * | pipeline      | pipeline#<id>   | pipeline        | pipeline / name   |
 * | stage counter | pipeline#<id>   | stage#<stageId> |                   |
 *
 * A stage counter exists exactly as long as its stage does. It holds `dealCount`, moved by the
 * deal transactions, and a copy of the stage's `closed` and `won` flags. So:
 * - a deal enters a stage only if, when its transaction commits, the counter exists with the
 *   flags the deal was written for (the stage was not deleted or turned from open to won in the
 *   meantime), by a condition and never by a read;
 * - a stage is deleted (and its flags change) only while its count is zero, by a condition on
 *   the same item, so it can never be emptied of deals that are still in it.
 * Reading the pipeline partition returns the pipeline and every counter in one Query.
 */
export const pipelineKey = (id: string): ItemKey => ({ pk: `pipeline#${id}`, sk: "pipeline" });
export const pipelinePartition = (id: string) => `pipeline#${id}`;
export const stageCounterKey = (pipelineId: string, stageId: string): ItemKey => ({
  pk: pipelinePartition(pipelineId),
  sk: `stage#${stageId}`,
});
export const STAGE_COUNTER_PREFIX = "stage#";
export const allPipelinesPartition = "pipeline";

export const pipelineModel: RecordModel<Pipeline> = {
  type: "pipeline",
  key: pipelineKey,
  index: (p): IndexKeys => ({ gsi3pk: allPipelinesPartition, gsi3sk: nameSortKey(p.name, p.id) }),
  facets: () => [],
};

const COUNTER_TYPE = "pipeline-stage-counter";

/** Labels of the counter items in a transaction; a refusal names the stage. */
export const STAGE_ENTRY = "pipeline-stage-entry";
const STAGE_EXIT = "pipeline-stage-exit";
export const STAGE_IN_USE = "pipeline-stage-in-use";

const labelled = (label: string, stageId: string) => `${label}:${stageId}`;
/** `pipeline-stage-in-use:stg_…` -> `{ label: "pipeline-stage-in-use", stageId: "stg_…" }`. */
export const parseCounterLabel = (text: string) => {
  const colon = text.indexOf(":");
  return colon < 0
    ? { label: text, stageId: "" }
    : { label: text.slice(0, colon), stageId: text.slice(colon + 1) };
};

/** The stages whose counter items labelled `label` refused a write; none for any other error. */
export const refusedStages = (error: unknown, label: string): string[] =>
  error instanceof WriteConflict
    ? error.targets.flatMap((target) => {
        if (target.kind !== "extra") return [];
        const refused = parseCounterLabel(target.label);
        return refused.label === label ? [refused.stageId] : [];
      })
    : [];

/** A new stage's counter, created with the stage. */
export const createStageCounter = (pipelineId: string, stage: Stage): ExtraItem => ({
  label: labelled("pipeline-stage-create", stage.id),
  item: {
    Put: {
      TableName: tableName(),
      Item: {
        ...stageCounterKey(pipelineId, stage.id),
        entityType: COUNTER_TYPE,
        pipelineId,
        stageId: stage.id,
        dealCount: 0,
        closed: stage.closed,
        won: stage.won,
      },
      ConditionExpression: "attribute_not_exists(pk)",
    },
  },
});

const EMPTY = "dealCount <= :zero";

/** A stage's counter goes with the stage, and only while the stage holds no deal. */
export const removeStageCounter = (pipelineId: string, stageId: string): ExtraItem => ({
  label: labelled(STAGE_IN_USE, stageId),
  item: {
    Delete: {
      TableName: tableName(),
      Key: stageCounterKey(pipelineId, stageId),
      ConditionExpression: `attribute_not_exists(pk) OR ${EMPTY}`,
      ExpressionAttributeValues: { ":zero": 0 },
    },
  },
});

/** A stage's closed/won flags change only while it holds no deal (its deals' status follows them). */
export const changeStageFlags = (pipelineId: string, stage: Stage): ExtraItem => ({
  label: labelled(STAGE_IN_USE, stage.id),
  item: {
    Update: {
      TableName: tableName(),
      Key: stageCounterKey(pipelineId, stage.id),
      UpdateExpression: "SET closed = :closed, won = :won",
      ConditionExpression: `attribute_exists(pk) AND ${EMPTY}`,
      ExpressionAttributeValues: { ":closed": stage.closed, ":won": stage.won, ":zero": 0 },
    },
  },
});

/**
 * For the deal transactions: a deal enters `stage`, which must still exist with the flags the
 * deal's status was derived from.
 */
export const enterStage = (pipelineId: string, stage: Stage): ExtraItem => ({
  label: labelled(STAGE_ENTRY, stage.id),
  item: {
    Update: {
      TableName: tableName(),
      Key: stageCounterKey(pipelineId, stage.id),
      UpdateExpression: "ADD dealCount :one",
      ConditionExpression: "attribute_exists(pk) AND closed = :closed AND won = :won",
      ExpressionAttributeValues: { ":one": 1, ":closed": stage.closed, ":won": stage.won },
    },
  },
});

/** For the deal transactions: a deal leaves its stage (moved or deleted). */
export const leaveStage = (pipelineId: string, stageId: string): ExtraItem => ({
  label: labelled(STAGE_EXIT, stageId),
  item: {
    Update: {
      TableName: tableName(),
      Key: stageCounterKey(pipelineId, stageId),
      UpdateExpression: "ADD dealCount :minusOne",
      // A stage holding a deal cannot be deleted, so its counter is there; the condition keeps a
      // broken invariant from resurrecting a counter of a deleted stage.
      ConditionExpression: "attribute_exists(pk)",
      ExpressionAttributeValues: { ":minusOne": -1 },
    },
  },
});
