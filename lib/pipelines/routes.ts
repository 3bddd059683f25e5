import { ADMINS, READERS } from "#lib/auth/roles";
import { route } from "#lib/http/route";
import {
  createPipelineBody,
  listPipelinesQuery,
  pipelineDetailSchema,
  pipelineParams,
  pipelineSchema,
  updatePipelineBody,
} from "#lib/pipelines/schema";
import { pageOf } from "#lib/records/common-schema";

export const pipelineRoutes = [
  route({
    operationId: "createPipeline",
    method: "POST",
    path: "/pipelines",
    function: "pipelines",
    summary: "Create a pipeline with its ordered stages",
    roles: ADMINS,
    request: { body: createPipelineBody },
    response: { status: 201, body: pipelineSchema, description: "The created pipeline" },
    idempotent: true,
    errors: [422],
  }),
  route({
    operationId: "listPipelines",
    method: "GET",
    path: "/pipelines",
    function: "pipelines",
    summary: "List the pipelines by name",
    roles: READERS,
    request: { query: listPipelinesQuery },
    response: { status: 200, body: pageOf(pipelineSchema), description: "A page of pipelines" },
  }),
  route({
    operationId: "getPipeline",
    method: "GET",
    path: "/pipelines/{pipelineId}",
    function: "pipelines",
    summary: "Get a pipeline, with the number of deals in each stage",
    roles: READERS,
    request: { params: pipelineParams },
    response: {
      status: 200,
      body: pipelineDetailSchema,
      description: "The pipeline; its ETag is its version",
    },
    errors: [404],
  }),
  route({
    operationId: "updatePipeline",
    method: "PATCH",
    path: "/pipelines/{pipelineId}",
    function: "pipelines",
    summary:
      "Rename a pipeline, or replace its stages (add, change, reorder, delete empty ones) with the whole new list",
    roles: ADMINS,
    request: { params: pipelineParams, body: updatePipelineBody },
    response: { status: 200, body: pipelineSchema, description: "The updated pipeline" },
    conditional: true,
    errors: [404, 409, 412, 422],
  }),
  route({
    operationId: "deletePipeline",
    method: "DELETE",
    path: "/pipelines/{pipelineId}",
    function: "pipelines",
    summary: "Delete a pipeline that holds no deals",
    roles: ADMINS,
    request: { params: pipelineParams },
    response: { status: 204, description: "Deleted" },
    conditional: true,
    errors: [404, 409, 412],
  }),
] as const;
