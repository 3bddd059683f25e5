import { httpFunction } from "#lib/http/http-function";
import { idempotency } from "#lib/http/middleware/idempotency";
import { created, noContent, ok, page } from "#lib/http/response";
import { pipelineRoutes } from "#lib/pipelines/routes";
import * as pipelines from "#lib/pipelines/service";

export const handler = httpFunction(
  pipelineRoutes,
  {
    createPipeline: async ({ body, principal }) => {
      const pipeline = await pipelines.createPipeline(body, principal);
      return created(pipeline, `/pipelines/${pipeline.id}`);
    },
    listPipelines: async ({ query }) => page(await pipelines.listPipelines(query)),
    getPipeline: async ({ params }) => ok(await pipelines.getPipeline(params.pipelineId)),
    updatePipeline: async ({ params, body, expectedVersion, principal }) =>
      ok(await pipelines.updatePipeline(params.pipelineId, body, expectedVersion, principal)),
    deletePipeline: async ({ params, expectedVersion, principal }) => {
      await pipelines.deletePipeline(params.pipelineId, expectedVersion, principal);
      return noContent();
    },
  },
  { idempotency: idempotency() },
);
