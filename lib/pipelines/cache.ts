import { getRecord } from "#lib/db/record-store";
import { pipelineModel } from "#lib/pipelines/keys";
import type { Pipeline } from "#lib/pipelines/schema";
import { stageOf } from "#lib/pipelines/stages";

/**
 * Pipelines change rarely and every deal read and write needs one (the stage's flags, its
 * rotting threshold), so each function instance keeps the pipelines it read for a short while.
 *
 * That is safe for writes because nothing a deal write takes from the pipeline is trusted
 * unchecked: the deal's transaction carries a condition on the stage's counter item (it exists,
 * with the closed/won flags the deal was written for; `enterStage` in `keys.ts`). A stale entry
 * makes that condition fail, and the deal service reloads the pipeline and tries again. A stage
 * missing from a cached pipeline is looked up once more in a fresh read before it is refused.
 *
 * Reads take the rotting thresholds from the cache, so a changed threshold shows on deals after
 * at most `MAX_AGE_MILLISECONDS` in other instances (at once in the instance that changed it, and
 * everywhere in the local runtime, where every function shares this module).
 */
export const MAX_AGE_MILLISECONDS = 30_000;

const cache = new Map<string, { readonly pipeline: Pipeline; readonly loadedAt: number }>();

/** Reads the pipeline from the table (consistently) and caches it; undefined if there is none. */
export const loadPipeline = async (id: string): Promise<Pipeline | undefined> => {
  const pipeline = await getRecord(pipelineModel, id);
  if (pipeline) cache.set(id, { pipeline, loadedAt: Date.now() });
  else cache.delete(id);
  return pipeline;
};

/** The cached pipeline while it is fresh enough, else a new read. */
export const cachedPipeline = async (id: string): Promise<Pipeline | undefined> => {
  const entry = cache.get(id);
  if (entry && Date.now() - entry.loadedAt < MAX_AGE_MILLISECONDS) return entry.pipeline;
  return loadPipeline(id);
};

/**
 * After a change of the pipeline in this instance: caches it as written, so that the next use
 * here sees the change without reading it again.
 */
export const rememberPipeline = (pipeline: Pipeline): void => {
  cache.set(pipeline.id, { pipeline, loadedAt: Date.now() });
};

/**
 * The cached pipeline, read again when it lacks one of `stageIds`: the stage may have been added
 * since it was cached, so a stale entry is not taken for proof that a stage does not exist.
 */
export const pipelineWithStages = async (
  id: string,
  stageIds: readonly string[],
): Promise<Pipeline | undefined> => {
  const cached = await cachedPipeline(id);
  if (!cached || stageIds.every((stageId) => stageOf(cached, stageId))) return cached;
  return loadPipeline(id);
};

export const forgetPipeline = (id: string): void => {
  cache.delete(id);
};
