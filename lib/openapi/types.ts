/**
 * The parts of the OpenAPI 3.1 object model that this API's document uses. They are narrower
 * than the specification on purpose: the generator only emits what the route table can say.
 */
export type JsonValue =
  | string
  | number
  | boolean
  | null
  | JsonValue[]
  | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

/** A JSON Schema 2020-12 object, which is what OpenAPI 3.1 uses for schemas. */
export type SchemaObject = JsonObject;

export type Reference = { readonly $ref: string };

export type ParameterObject = {
  readonly name: string;
  readonly in: "path" | "query" | "header";
  readonly required: boolean;
  readonly description?: string;
  readonly schema: SchemaObject;
};

export type HeaderObject = {
  readonly description: string;
  readonly schema: SchemaObject;
};

export type MediaTypeObject = { readonly schema: SchemaObject };

export type ResponseObject = {
  readonly description: string;
  readonly headers?: Readonly<Record<string, Reference>>;
  readonly content?: Readonly<Record<string, MediaTypeObject>>;
};

export type RequestBodyObject = {
  readonly required: boolean;
  readonly content: Readonly<Record<string, MediaTypeObject>>;
};

export type OperationObject = {
  readonly operationId: string;
  readonly summary: string;
  readonly description: string;
  readonly tags: readonly string[];
  /** Bearer JWT; for a non-OAuth scheme OpenAPI 3.1 lets the list name the roles required. */
  readonly security: readonly Readonly<Record<string, readonly string[]>>[];
  readonly "x-roles": readonly string[];
  readonly parameters?: readonly (ParameterObject | Reference)[];
  readonly requestBody?: RequestBodyObject;
  readonly responses: Readonly<Record<string, ResponseObject | Reference>>;
};

export type PathMethod = "get" | "put" | "post" | "patch" | "delete";
export type PathItemObject = Partial<Record<PathMethod, OperationObject>>;

export type SecuritySchemeObject = {
  readonly type: "http";
  readonly scheme: "bearer";
  readonly bearerFormat: string;
  readonly description: string;
};

export type OpenApiDocument = {
  readonly openapi: "3.1.1";
  readonly info: { readonly title: string; readonly version: string; readonly description: string };
  readonly servers?: readonly { readonly url: string }[];
  readonly tags: readonly { readonly name: string; readonly description: string }[];
  readonly paths: Readonly<Record<string, PathItemObject>>;
  readonly components: {
    readonly schemas: Readonly<Record<string, SchemaObject>>;
    readonly parameters: Readonly<Record<string, ParameterObject>>;
    readonly headers: Readonly<Record<string, HeaderObject>>;
    readonly responses: Readonly<Record<string, ResponseObject>>;
    readonly securitySchemes: Readonly<Record<string, SecuritySchemeObject>>;
  };
};

export const isJsonObject = (value: JsonValue | undefined): value is JsonObject =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** A copy of `record` with its keys sorted, so that generated maps do not depend on input order. */
export const sortedByKey = <T>(record: Readonly<Record<string, T>>): Record<string, T> =>
  Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
