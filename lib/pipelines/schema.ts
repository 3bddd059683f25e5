import * as z from "zod/mini";
import { idOf, pageQuery, recordMeta } from "#lib/records/common-schema";

/**
 * Sales pipelines: ordered stages that deals move through. Every stage has a win probability
 * (what the weighted forecast multiplies a deal's amount by), a closed flag and a won flag, and
 * may have a rotting threshold: a deal idle in it for longer is flagged.
 *
 * A pipeline always has an open stage to work deals in, and a closed-won and a closed-lost stage
 * to end them in (as HubSpot requires), so every deal can be won or lost. A won stage's
 * probability is 100 and a lost stage's is 0, so the forecast never weighs an outcome that is
 * already known.
 */
export const MAX_STAGES = 30;
export const MAX_ROTTING_DAYS = 3650;

export const pipelineId = idOf("pip");
export const stageId = idOf("stg");

const name = z.string().check(z.trim(), z.minLength(1), z.maxLength(100));

const isLost = (s: { closed: boolean; won: boolean }) => s.closed && !s.won;

/** A stage as a client sends it; `id` names an existing stage of the pipeline, or is left out. */
export const stageInput = z
  .strictObject({
    id: z.optional(stageId),
    name,
    winProbability: z.int().check(z.minimum(0), z.maximum(100)),
    closed: z._default(z.boolean(), false),
    won: z._default(z.boolean(), false),
    rottingDays: z.optional(z.int().check(z.minimum(1), z.maximum(MAX_ROTTING_DAYS))),
  })
  .check(
    z.refine((s) => !s.won || s.closed, {
      message: "A won stage is a closed stage: set closed to true",
      path: ["closed"],
    }),
    z.refine((s) => !s.won || s.winProbability === 100, {
      message: "A won stage has a win probability of 100",
      path: ["winProbability"],
    }),
    z.refine((s) => !isLost(s) || s.winProbability === 0, {
      message: "A lost stage has a win probability of 0",
      path: ["winProbability"],
    }),
    z.refine((s) => !s.closed || s.rottingDays === undefined, {
      message: "Closed deals do not rot: only open stages take rottingDays",
      path: ["rottingDays"],
    }),
  );

const normalized = (text: string) => text.toLowerCase();

export const stagesInput = z.array(stageInput).check(
  z.minLength(3, "A pipeline needs an open, a won and a lost stage"),
  z.maxLength(MAX_STAGES),
  z.refine((stages) => stages.some((s) => !s.closed), "A pipeline needs at least one open stage"),
  z.refine((stages) => stages.some((s) => s.won), "A pipeline needs at least one closed-won stage"),
  z.refine((stages) => stages.some(isLost), "A pipeline needs at least one closed-lost stage"),
  z.refine(
    (stages) => new Set(stages.map((s) => normalized(s.name))).size === stages.length,
    "Stage names must be unique within a pipeline",
  ),
  z.refine((stages) => {
    const ids = stages.flatMap((s) => (s.id ? [s.id] : []));
    return new Set(ids).size === ids.length;
  }, "A stage id may appear once"),
);

export const createPipelineBody = z.strictObject({
  name,
  stages: stagesInput,
});

/**
 * PATCH: `stages`, when present, is the whole new list in its new order. Stages named by `id`
 * keep their identity (and their deals); stages without an id are new; stages left out are
 * deleted, which only an empty stage can be.
 */
export const updatePipelineBody = z
  .strictObject({
    name: z.optional(name),
    stages: z.optional(stagesInput),
  })
  .check(z.refine((body) => Object.keys(body).length > 0, "The patch changes nothing"));

export const stageSchema = z.object({
  id: stageId,
  name: z.string(),
  winProbability: z.int(),
  closed: z.boolean(),
  won: z.boolean(),
  rottingDays: z.optional(z.int()),
});

export const pipelineSchema = z.object({
  id: pipelineId,
  name: z.string(),
  stages: z.array(stageSchema),
  ...recordMeta,
});

/** One pipeline as `GET /pipelines/{pipelineId}` returns it: each stage with its deal count. */
export const pipelineDetailSchema = z.object({
  ...pipelineSchema.def.shape,
  stages: z.array(z.object({ ...stageSchema.def.shape, dealCount: z.int() })),
});

export const pipelineParams = z.strictObject({ pipelineId });
export const listPipelinesQuery = z.strictObject({ ...pageQuery });

export type Stage = z.infer<typeof stageSchema>;
export type StageInput = z.output<typeof stageInput>;
export type Pipeline = z.infer<typeof pipelineSchema>;
export type PipelineDetail = z.infer<typeof pipelineDetailSchema>;
export type CreatePipeline = z.output<typeof createPipelineBody>;
export type UpdatePipeline = z.output<typeof updatePipelineBody>;
export type ListPipelinesQuery = z.output<typeof listPipelinesQuery>;

export const isLostStage = isLost;
