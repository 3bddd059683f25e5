import { readFile } from "node:fs/promises";
import { Validator } from "@seriousme/openapi-schema-validator";
import { describe, expect, it } from "vitest";
import * as z from "zod/mini";
import { isPublicRoute, type RouteDeclaration, route } from "#lib/http/route";
import {
  buildCommittedDocument,
  OPENAPI_DOCUMENT_PATH,
  serializeDocument,
} from "#lib/openapi/artifact";
import { COMMON_PROBLEM_STATUSES } from "#lib/openapi/conventions";
import { buildOpenApiDocument } from "#lib/openapi/document";
import { SchemaComponents } from "#lib/openapi/schemas";
import type {
  JsonValue,
  OpenApiDocument,
  OperationObject,
  ParameterObject,
  Reference,
  ResponseObject,
  SchemaObject,
} from "#lib/openapi/types";
import { routes } from "#lib/wiring/routes";

const built = buildCommittedDocument();
const committedText = await readFile(OPENAPI_DOCUMENT_PATH, "utf8");

const operations = Object.entries(built.paths).flatMap(([path, item]) =>
  Object.entries(item).map(([method, operation]) => ({
    path,
    method,
    operation: operation as OperationObject,
  })),
);

const operation = (operationId: string): OperationObject => {
  const found = operations.find((entry) => entry.operation.operationId === operationId);
  if (!found) throw new Error(`No operation ${operationId}`);
  return found.operation;
};

/** Follows a local `$ref` such as `#/components/responses/Conflict` through the document. */
const resolve = (document: unknown, ref: string): unknown =>
  ref
    .replace(/^#\//, "")
    .split("/")
    .map((segment) => segment.replace(/~1/g, "/").replace(/~0/g, "~"))
    .reduce<unknown>(
      (node, segment) =>
        typeof node === "object" && node !== null
          ? (node as Record<string, unknown>)[segment]
          : undefined,
      document,
    );

const deref = <T>(value: T | Reference): T =>
  typeof value === "object" && value !== null && "$ref" in value
    ? (resolve(built, value.$ref) as T)
    : value;

const parameter = (op: OperationObject, name: string): ParameterObject | undefined =>
  (op.parameters ?? []).map((p) => deref<ParameterObject>(p)).find((p) => p.name === name);

const response = (op: OperationObject, status: number): ResponseObject | undefined => {
  const found = op.responses[String(status)];
  return found ? deref<ResponseObject>(found) : undefined;
};

const jsonSchemaOf = (op: OperationObject, status: number): SchemaObject => {
  const schema = response(op, status)?.content?.["application/json"]?.schema;
  if (!schema) throw new Error(`${op.operationId} has no JSON body for ${status}`);
  return schema;
};

const requestSchemaOf = (op: OperationObject): SchemaObject => {
  const schema = op.requestBody?.content["application/json"]?.schema;
  if (!schema) throw new Error(`${op.operationId} has no JSON request body`);
  return deref<SchemaObject>(schema as SchemaObject | Reference);
};

const refsIn = (value: JsonValue | unknown): string[] => {
  if (Array.isArray(value)) return value.flatMap(refsIn);
  if (typeof value !== "object" || value === null) return [];
  return Object.entries(value).flatMap(([key, inner]) =>
    key === "$ref" && typeof inner === "string" ? [inner] : refsIn(inner),
  );
};

describe("docs/openapi.json", () => {
  it("is what the route table generates", () => {
    expect(committedText, "docs/openapi.json is out of date: run `npm run openapi`").toBe(
      serializeDocument(built),
    );
  });

  it("is generated deterministically", () => {
    expect(serializeDocument(buildCommittedDocument())).toBe(serializeDocument(built));
  });

  it("is a valid OpenAPI 3.1 document", async () => {
    const result = await new Validator().validate(
      JSON.parse(committedText) as Record<string, unknown>,
    );
    expect(result.errors, JSON.stringify(result.errors, null, 2)).toBeUndefined();
    expect(result.valid).toBe(true);
    expect(built.openapi).toMatch(/^3\.1\./);
  });

  it("has a target for every $ref", () => {
    const refs = [...new Set(refsIn(built))];
    expect(refs.length).toBeGreaterThan(10);
    expect(refs.filter((ref) => resolve(built, ref) === undefined)).toEqual([]);
  });
});

describe("operations", () => {
  it("are exactly the routes of the route table", () => {
    const key = (r: { operationId: string; method: string; path: string }) =>
      `${r.method.toUpperCase()} ${r.path} ${r.operationId}`;
    const documented = operations.map(({ path, method, operation: op }) =>
      key({ operationId: op.operationId, method, path }),
    );
    expect(documented.sort()).toEqual(routes.map(key).sort());
  });

  it.each(routes.filter((r) => !isPublicRoute(r)))(
    "$operationId requires a bearer token and documents its roles",
    (r) => {
      const op = operation(r.operationId);
      expect(op.security).toEqual([{ bearerAuth: [...r.roles] }]);
      expect(op["x-roles"]).toEqual([...r.roles]);
      expect(op.description).toContain(`Roles: ${r.roles.join(", ")}.`);
      expect(op.summary).toBe(r.summary);
    },
  );

  it.each(routes)("$operationId documents the shared and its own problem responses", (r) => {
    const op = operation(r.operationId);
    const shared = COMMON_PROBLEM_STATUSES.filter((status) => !isPublicRoute(r) || status !== 401);
    for (const status of [...shared, ...(r.errors ?? [])]) {
      expect(response(op, status)?.content, `${r.operationId} ${status}`).toEqual({
        "application/problem+json": { schema: { $ref: "#/components/schemas/Problem" } },
      });
    }
  });

  it.each(routes.filter((r) => r.request.body))("$operationId rejects unknown body fields", (r) => {
    const schema = requestSchemaOf(operation(r.operationId));
    // A body that is a union (an activity, by type) is strict in every branch.
    const branches = (schema.oneOf ?? [schema]) as (SchemaObject | Reference)[];
    for (const branch of branches) {
      expect(deref<SchemaObject>(branch).additionalProperties).toBe(false);
    }
  });

  it.each(routes.filter(isPublicRoute))(
    "$operationId is public: no security requirement and no 401",
    (r) => {
      const op = operation(r.operationId);
      expect(op.security).toEqual([]);
      expect(op.description).toContain("Public: no token is needed.");
      expect(response(op, 401)).toBeUndefined();
    },
  );

  it("declares the bearer JWT scheme", () => {
    expect(built.components.securitySchemes.bearerAuth).toMatchObject({
      type: "http",
      scheme: "bearer",
      bearerFormat: "JWT",
    });
  });

  it("describes problems with the RFC 9457 fields", () => {
    expect(built.components.schemas.Problem?.required).toEqual(
      expect.arrayContaining(["type", "title", "status", "detail", "code", "requestId"]),
    );
  });
});

describe("createContact", () => {
  const op = operation("createContact");

  it("takes an Idempotency-Key and documents the 409 and 422 it can cause", () => {
    expect(parameter(op, "Idempotency-Key")).toMatchObject({ in: "header", required: false });
    expect(response(op, 409)).toBeDefined();
    expect(response(op, 422)).toBeDefined();
  });

  it("answers 201 with Location, ETag and the contact", () => {
    expect(Object.keys(op.responses)).not.toContain("200");
    expect(Object.keys(response(op, 201)?.headers ?? {})).toEqual(
      expect.arrayContaining(["Location", "ETag", "Idempotent-Replayed"]),
    );
    expect(jsonSchemaOf(op, 201)).toEqual({ $ref: "#/components/schemas/Contact" });
  });

  it("describes the body as the client sends it: defaulted fields are optional", () => {
    const body = requestSchemaOf(op);
    expect(body.required ?? []).not.toContain("lifecycleStage");
    expect(body.properties).toMatchObject({ lifecycleStage: { default: "lead" } });
  });

  it("takes no If-Match", () => {
    expect(parameter(op, "If-Match")).toBeUndefined();
  });
});

describe("updateContact", () => {
  const op = operation("updateContact");

  it("takes the contact id in the path and If-Match, and documents 412", () => {
    expect(parameter(op, "contactId")).toMatchObject({
      in: "path",
      required: true,
      schema: { type: "string" },
    });
    expect(parameter(op, "If-Match")).toMatchObject({ in: "header", required: false });
    expect(response(op, 412)).toBeDefined();
    expect(parameter(op, "Idempotency-Key")).toBeUndefined();
  });

  it("returns the contact with its ETag", () => {
    expect(Object.keys(response(op, 200)?.headers ?? {})).toEqual(["ETag"]);
  });

  it("lets null clear an optional field", () => {
    expect(requestSchemaOf(op).properties).toMatchObject({
      jobTitle: { anyOf: expect.arrayContaining([{ type: "null" }]) },
    });
  });
});

describe("listContacts", () => {
  const op = operation("listContacts");

  it("pages with optional limit and cursor query parameters", () => {
    expect(parameter(op, "limit")).toEqual({
      name: "limit",
      in: "query",
      required: false,
      schema: { type: "integer", minimum: 1, maximum: 100 },
    });
    expect(parameter(op, "cursor")).toMatchObject({
      in: "query",
      required: false,
      schema: { type: "string" },
    });
  });

  it("returns { data, nextCursor } without an ETag", () => {
    const page = jsonSchemaOf(op, 200);
    expect(page.required).toEqual(["data", "nextCursor"]);
    expect(page.properties).toMatchObject({
      data: { items: { $ref: "#/components/schemas/Contact" } },
    });
    expect(response(op, 200)?.headers).toBeUndefined();
    expect(op.requestBody).toBeUndefined();
  });
});

describe("deleteContact", () => {
  it("answers 204 without a body", () => {
    const deleted = response(operation("deleteContact"), 204);
    expect(deleted?.description).toBeTruthy();
    expect(deleted?.content).toBeUndefined();
  });
});

describe("buildOpenApiDocument", () => {
  const info = { title: "Test", version: "1.0.0" };
  const sample = route({
    operationId: "getThing",
    method: "GET",
    path: "/things/{thingId}",
    function: "contacts",
    summary: "Get a thing",
    roles: ["admin"],
    request: { params: z.strictObject({ thingId: z.string() }) },
    response: { status: 200, body: z.object({ id: z.string() }), description: "The thing" },
  });
  const build =
    (...table: RouteDeclaration[]) =>
    () =>
      buildOpenApiDocument(info, table);

  it("builds from the table it is given, with the server when one is named", () => {
    const document: OpenApiDocument = buildOpenApiDocument(
      { ...info, serverUrl: "https://api.example.com" },
      [sample],
    );
    expect(Object.keys(document.paths)).toEqual(["/things/{thingId}"]);
    expect(document.servers).toEqual([{ url: "https://api.example.com" }]);
  });

  it("refuses params that do not match the path", () => {
    expect(build({ ...sample, request: { params: z.strictObject({ id: z.string() }) } })).toThrow(
      /exactly the path's parameters: thingId/,
    );
    expect(build({ ...sample, request: {} })).toThrow(/exactly the path's parameters/);
  });

  it("refuses a route table that repeats an operation", () => {
    expect(build(sample, { ...sample, path: "/other/{thingId}" })).toThrow(/getThing twice/);
    expect(build(sample, { ...sample, operationId: "again" })).toThrow(
      /GET \/things\/\{thingId\} twice/,
    );
  });

  it("refuses an error status it has no problem response for", () => {
    expect(build({ ...sample, errors: [418] })).toThrow(/status 418/);
  });

  it("refuses a response schema that JSON Schema cannot describe", () => {
    const body = z.object({ at: z.date() });
    expect(build({ ...sample, response: { ...sample.response, body } })).toThrow();
  });
});

describe("SchemaComponents", () => {
  it("names a registered schema and references it", () => {
    const thing = z.object({ id: z.string() });
    const components = new SchemaComponents({ Thing: thing });
    expect(components.convert(z.array(thing), "output")).toEqual({
      type: "array",
      items: { $ref: "#/components/schemas/Thing" },
    });
    expect(Object.keys(components.schemas())).toEqual(["Thing"]);
  });

  it("keeps what a schema declares in zod's global registry, and names a global id", () => {
    const widgetId = z.string().register(z.globalRegistry, { description: "A widget's id" });
    const widget = z.object({ id: widgetId }).register(z.globalRegistry, { id: "Widget" });
    const components = new SchemaComponents({});
    expect(components.convert(widget, "output")).toEqual({ $ref: "#/components/schemas/Widget" });
    expect(components.schemas().Widget?.properties).toEqual({
      id: { type: "string", description: "A widget's id" },
    });
  });

  it("refuses a component whose request and response forms differ", () => {
    const thing = z.object({ size: z._default(z.int(), 1) });
    const components = new SchemaComponents({ Thing: thing });
    components.convert(thing, "output");
    expect(() => components.convert(thing, "input")).toThrow(/Thing" differs/);
  });
});
