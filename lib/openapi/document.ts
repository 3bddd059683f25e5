import type { RouteDeclaration } from "#lib/http/route";
import { headers, parameters, problemResponses, securitySchemes } from "#lib/openapi/conventions";
import { buildOperation } from "#lib/openapi/operation";
import { SchemaComponents } from "#lib/openapi/schemas";
import type { OpenApiDocument, PathItemObject, PathMethod } from "#lib/openapi/types";
import { sortedByKey } from "#lib/openapi/types";
import { problemSchema } from "#lib/records/common-schema";
import { functions } from "#lib/wiring/functions";
import { routes } from "#lib/wiring/routes";

export interface OpenApiInfo {
  readonly title: string;
  readonly version: string;
  /** Omitted from the committed document: every customer stack has its own API URL. */
  readonly serverUrl?: string;
}

const DESCRIPTION = [
  "The CRM's HTTP API. Every operation needs a bearer JWT and one of the roles it lists.",
  "Bodies are JSON with camelCase fields, and unknown fields are rejected. Errors are " +
    "`application/problem+json` (RFC 9457). Lists are paged with `?limit=&cursor=` and return " +
    "`{ data, nextCursor }`. Creating POSTs take an `Idempotency-Key`; changes to a record take " +
    "`If-Match` with the ETag it was read with.",
].join("\n\n");

/** Methods in the order a reader expects them within a path. */
const METHOD_ORDER: readonly PathMethod[] = ["get", "put", "post", "patch", "delete"];

const assertUnique = (table: readonly RouteDeclaration[]) => {
  const seen = new Set<string>();
  for (const key of table.flatMap((route) => [
    route.operationId,
    `${route.method} ${route.path}`,
  ])) {
    if (seen.has(key)) throw new Error(`The route table declares ${key} twice`);
    seen.add(key);
  }
};

/**
 * The OpenAPI 3.1 document of the API, built only from the route table and its zod schemas. It
 * runs at build time (`npm run openapi`) and is committed as `docs/openapi.json`, so no handler
 * bundle carries this generator. The output is deterministic: maps are sorted and everything else
 * follows the declarations, so a diff of the committed file shows a real change of the API.
 */
export const buildOpenApiDocument = (
  info: OpenApiInfo,
  table: readonly RouteDeclaration[] = routes,
): OpenApiDocument => {
  assertUnique(table);
  const schemas = new SchemaComponents();
  const problem = schemas.convert(problemSchema, "output");

  const paths: Record<string, PathItemObject> = {};
  for (const path of [...new Set(table.map((route) => route.path))].sort()) {
    const item: PathItemObject = {};
    for (const method of METHOD_ORDER) {
      const route = table.find((r) => r.path === path && r.method.toLowerCase() === method);
      if (route) item[method] = buildOperation(route, schemas);
    }
    paths[path] = item;
  }

  const tagNames = [...new Set(table.map((route) => route.function))].sort();
  return {
    openapi: "3.1.1",
    info: { title: info.title, version: info.version, description: DESCRIPTION },
    ...(info.serverUrl ? { servers: [{ url: info.serverUrl }] } : {}),
    tags: tagNames.map((name) => ({ name, description: functions[name].description })),
    paths,
    components: {
      schemas: schemas.schemas(),
      parameters: sortedByKey(parameters),
      headers: sortedByKey(headers),
      responses: sortedByKey(problemResponses(problem)),
      securitySchemes: sortedByKey(securitySchemes),
    },
  };
};
