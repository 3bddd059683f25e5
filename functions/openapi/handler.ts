import { httpFunction } from "#lib/http/http-function";
import { type HttpResult, ok } from "#lib/http/response";
import { openapiRoutes } from "#lib/openapi/routes";
import document from "../../docs/openapi.json" with { type: "json" };

/**
 * Serves the document generated at build time (`npm run openapi`). Importing the JSON, not the
 * generator, keeps the OpenAPI code and the capabilities' zod schemas out of this bundle.
 */
const served = ok(document);
const response: HttpResult = {
  ...served,
  // It changes only with a deployment, so a client may reuse it for a while. `private`, because
  // the route needs a token: a shared cache must not hand it to callers who have none.
  headers: { ...served.headers, "cache-control": "private, max-age=300" },
};

export const handler = httpFunction(openapiRoutes, {
  getOpenApiDocument: async () => response,
});
