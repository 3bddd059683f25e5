import type { z } from "zod/mini";
import { isPublicRoute, type RouteDeclaration } from "#lib/http/route";
import {
  COMMON_PROBLEM_STATUSES,
  headerRefs,
  IDEMPOTENCY_PROBLEM_STATUSES,
  PRECONDITION_PROBLEM_STATUSES,
  parameterRefs,
  problemResponseRef,
  SECURITY_SCHEME,
} from "#lib/openapi/conventions";
import type { SchemaComponents } from "#lib/openapi/schemas";
import {
  isJsonObject,
  type JsonValue,
  type OperationObject,
  type ParameterObject,
  type Reference,
  type ResponseObject,
  type SchemaObject,
} from "#lib/openapi/types";

/** The properties of an object schema, in declaration order, with whether each is required. */
const objectProperties = (schema: SchemaObject, where: string) => {
  const { properties, required } = schema;
  if (schema.type !== "object" || !isJsonObject(properties))
    throw new Error(`${where} must be an object schema`);
  const requiredNames = new Set(Array.isArray(required) ? required : []);
  return Object.entries(properties).map(([name, property]) => {
    if (!isJsonObject(property)) throw new Error(`${where}.${name} is not a schema`);
    return { name, schema: property, required: requiredNames.has(name) };
  });
};

const pathTemplateNames = (path: string) =>
  [...path.matchAll(/\{([^}]+)\}/g)].map((match) => match[1] ?? "");

const PARSED_TYPES = new Set<JsonValue | undefined>(["integer", "number", "boolean"]);

/**
 * The properties of a params or query schema as parameters. The values arrive as strings, so the
 * input schema is a string; where the route's schema parses one into a number or a boolean (such
 * as `limit`), the parsed type and its bounds are documented instead, the way OpenAPI describes
 * such parameters.
 */
const parameterProperties = (schema: z.ZodMiniType, where: string, schemas: SchemaComponents) => {
  const parsed = new Map(
    objectProperties(schemas.convert(schema, "output", { probe: true }), where).map((p) => [
      p.name,
      p.schema,
    ]),
  );
  return objectProperties(schemas.convert(schema, "input"), where).map((property) => {
    const output = parsed.get(property.name);
    return property.schema.type === "string" && output && PARSED_TYPES.has(output.type)
      ? { ...property, schema: output }
      : property;
  });
};

/** Path parameters in the order the path names them; the params schema must declare exactly those. */
const pathParameters = (route: RouteDeclaration, schemas: SchemaComponents): ParameterObject[] => {
  const where = `${route.operationId}: request.params`;
  const declared = route.request.params
    ? parameterProperties(route.request.params, where, schemas)
    : [];
  const names = pathTemplateNames(route.path);
  const sameNames =
    names.length === declared.length && declared.every((property) => names.includes(property.name));
  if (!sameNames) {
    throw new Error(
      `${where} must declare exactly the path's parameters: ${names.join(", ") || "none"}`,
    );
  }
  return names.map((name) => {
    const property = declared.find((candidate) => candidate.name === name);
    if (!property) throw new Error(`${where} does not declare {${name}}`);
    return { name, in: "path", required: true, schema: property.schema };
  });
};

const queryParameters = (route: RouteDeclaration, schemas: SchemaComponents): ParameterObject[] =>
  route.request.query
    ? parameterProperties(route.request.query, `${route.operationId}: request.query`, schemas).map(
        ({ name, schema, required }) => ({ name, in: "query", required, schema }),
      )
    : [];

const jsonContent = (schema: SchemaObject) => ({ "application/json": { schema } });

/** `ok()` and `created()` send an ETag whenever the body is a record with a version. */
const isVersionedRecord = (schema: SchemaObject, schemas: SchemaComponents) => {
  const required = schemas.resolve(schema).required;
  return Array.isArray(required) && required.includes("version");
};

const successResponse = (route: RouteDeclaration, schemas: SchemaComponents): ResponseObject => {
  const { status, body, description } = route.response;
  const schema = body ? schemas.convert(body, "output") : undefined;
  const headers = {
    ...(schema && isVersionedRecord(schema, schemas) ? headerRefs.etag : {}),
    ...(status === 201 ? headerRefs.location : {}),
    ...(route.idempotent ? headerRefs.replayed : {}),
  };
  return {
    description,
    ...(Object.keys(headers).length > 0 ? { headers } : {}),
    ...(schema
      ? {
          content: {
            ...jsonContent(schema),
            ...(route.response.csv ? { "text/csv": { schema: { type: "string" } } } : {}),
          },
        }
      : {}),
  };
};

const problemStatuses = (route: RouteDeclaration): number[] => {
  const statuses = new Set<number>([
    ...COMMON_PROBLEM_STATUSES,
    ...(route.errors ?? []),
    ...(route.idempotent ? IDEMPOTENCY_PROBLEM_STATUSES : []),
    ...(route.conditional ? PRECONDITION_PROBLEM_STATUSES : []),
  ]);
  // A public route checks no token, so it never answers 401.
  if (isPublicRoute(route)) statuses.delete(401);
  return [...statuses].sort((a, b) => a - b);
};

const operationDescription = (route: RouteDeclaration): string =>
  [
    isPublicRoute(route)
      ? "Public: no token is needed. This route has its own, tighter throttling."
      : `Roles: ${route.roles.join(", ")}.`,
    ...(route.idempotent
      ? [
          "Send an Idempotency-Key to make retries safe: a replay returns the first response, " +
            "the same key with another body is a 422, and a retry while the first request runs is a 409.",
        ]
      : []),
    ...(route.conditional
      ? [
          "Send If-Match with the ETag you last read; if the record has changed since, the answer is 412.",
        ]
      : []),
  ].join("\n\n");

/** The OpenAPI operation of one route, built only from its declaration and schemas. */
export const buildOperation = (
  route: RouteDeclaration,
  schemas: SchemaComponents,
): OperationObject => {
  const parameters: (ParameterObject | Reference)[] = [
    ...pathParameters(route, schemas),
    ...queryParameters(route, schemas),
    ...(route.idempotent ? [parameterRefs.idempotencyKey] : []),
    ...(route.conditional ? [parameterRefs.ifMatch] : []),
  ];
  const responses: Record<string, ResponseObject | Reference> = {
    [route.response.status]: successResponse(route, schemas),
  };
  for (const status of problemStatuses(route)) {
    responses[status] = problemResponseRef(status, route.operationId);
  }
  return {
    operationId: route.operationId,
    summary: route.summary,
    description: operationDescription(route),
    tags: [route.function],
    // An empty list overrides any document-wide requirement: the route takes no token.
    security: isPublicRoute(route) ? [] : [{ [SECURITY_SCHEME]: [...route.roles] }],
    "x-roles": [...route.roles],
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(route.request.body
      ? {
          requestBody: {
            required: true,
            content: jsonContent(schemas.convert(route.request.body, "input")),
          },
        }
      : {}),
    responses,
  };
};
