import * as z from "zod/mini";
import { READERS } from "#lib/auth/roles";
import { route } from "#lib/http/route";

export const openapiRoutes = [
  route({
    operationId: "getOpenApiDocument",
    method: "GET",
    path: "/openapi.json",
    function: "openapi",
    summary: "The OpenAPI 3.1 document of this API",
    roles: READERS,
    request: {},
    response: {
      status: 200,
      body: z.record(z.string(), z.unknown()),
      description: "OpenAPI 3.1 document",
    },
  }),
] as const;
