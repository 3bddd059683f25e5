import document from "../../docs/openapi.json" with { type: "json" };
import { httpFunction } from "#lib/http/http-function";
import { type HttpResult, ok } from "#lib/http/response";
import { openapiRoutes } from "#lib/openapi/routes";

/**
 * Serves the document generated at build time (`npm run openapi`). Importing the JSON, not the
 * generator, keeps the OpenAPI code and the capabilities' zod schemas out of this bundle.
 */
const response: HttpResult = {
  ...ok(document),
  // The document changes only with a deployment; callers and browsers may reuse it for a while.
  headers: { ...ok(document).headers, "cache-control": "private, max-age=300" },
};

export const handler = httpFunction(openapiRoutes, {
  getOpenApiDocument: async () => response,
});
