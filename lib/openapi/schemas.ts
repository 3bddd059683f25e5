import * as z from "zod/mini";
import { companySchema } from "#lib/companies/schema";
import { contactSchema } from "#lib/contacts/schema";
import { customFieldSchema } from "#lib/custom-fields/schema";
import { customFieldValues } from "#lib/custom-fields/values-schema";
import type { JsonObject, JsonValue, SchemaObject } from "#lib/openapi/types";
import { isJsonObject, sortedByKey } from "#lib/openapi/types";
import { problemSchema } from "#lib/records/common-schema";
import { deliverySchema, webhookSchema } from "#lib/webhooks/schema";

/**
 * Schemas that several operations share, published once under `components.schemas` and
 * referenced by name. The names are given here rather than with `.meta({ id })` on the schemas
 * themselves, so that the capability modules (and the handler bundles that import them) do not
 * register anything in zod's global registry just for the document. A schema that does carry a
 * global `id` becomes a component too.
 */
export const NAMED_SCHEMAS: Readonly<Record<string, z.ZodMiniType>> = {
  Company: companySchema,
  Contact: contactSchema,
  CustomField: customFieldSchema,
  CustomFieldValues: customFieldValues,
  Problem: problemSchema,
  Webhook: webhookSchema,
  WebhookDelivery: deliverySchema,
};

/** Whether a schema describes what the client sends (defaults optional) or what it receives. */
export type SchemaIo = "input" | "output";

const COMPONENT_NAME = /^[A-Za-z0-9._-]+$/;
/** What zod calls a definition it had to extract without a name: the parts of a recursive schema. */
const ANONYMOUS_DEF = /^__schema\d+$/;
const DEFS_REF = "#/$defs/";
const COMPONENTS_REF = "#/components/schemas/";

/**
 * The component names layered over zod's global registry: the generator reads one registry, and
 * this keeps any `description` or `title` a schema declares globally in the document.
 */
class ComponentRegistry extends z.core.$ZodRegistry<z.core.GlobalMeta> {
  override get<S extends z.core.$ZodType>(
    schema: S,
  ): z.core.$replace<z.core.GlobalMeta, S> | undefined {
    const global = z.globalRegistry.get(schema);
    const own = super.get(schema);
    return global || own ? { ...global, ...own } : undefined;
  }
}

/** zod emits local `#/$defs/X` references; in the document they point at the components. */
const rewriteRefs = (value: JsonValue): JsonValue => {
  if (Array.isArray(value)) return value.map(rewriteRefs);
  if (!isJsonObject(value)) return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, inner]) =>
      key === "$ref" && typeof inner === "string" && inner.startsWith(DEFS_REF)
        ? [key, COMPONENTS_REF + inner.slice(DEFS_REF.length)]
        : [key, rewriteRefs(inner)],
    ),
  );
};

/**
 * Converts zod schemas into the document's JSON Schemas and collects the named components they
 * reference. One instance serves one document, so the components it holds are exactly the ones
 * that document uses.
 */
export class SchemaComponents {
  readonly #registry = new ComponentRegistry();
  readonly #components = new Map<string, SchemaObject>();

  constructor(named: Readonly<Record<string, z.ZodMiniType>> = NAMED_SCHEMAS) {
    for (const [id, schema] of Object.entries(named)) {
      if (!COMPONENT_NAME.test(id))
        throw new Error(`"${id}" is not a valid OpenAPI component name`);
      this.#registry.add(schema, { id });
    }
  }

  /**
   * @param options.probe looks at a schema without publishing it: what JSON Schema cannot describe
   * (such as a final transform) becomes `{}`, and no component is collected. Without it, such a
   * schema fails the build rather than be documented as `{}`.
   */
  convert(schema: z.ZodMiniType, io: SchemaIo, options: { probe?: boolean } = {}): SchemaObject {
    const converted = z.toJSONSchema(schema, {
      target: "draft-2020-12",
      io,
      metadata: this.#registry,
      unrepresentable: options.probe ? "any" : "throw",
    });
    // The generator's output is plain JSON: it round-trips it through JSON.stringify itself.
    const { $schema: _dialect, $defs, ...root } = converted as unknown as JsonObject;
    if (!options.probe) {
      for (const [name, body] of Object.entries(isJsonObject($defs) ? $defs : {})) {
        this.#addComponent(name, rewriteRefs(body), io);
      }
    }
    return rewriteRefs(root) as SchemaObject;
  }

  /** The schema a `$ref` names, or the schema itself when it is not a component reference. */
  resolve(schema: SchemaObject): SchemaObject {
    const ref = schema.$ref;
    if (typeof ref !== "string" || !ref.startsWith(COMPONENTS_REF)) return schema;
    const component = this.#components.get(ref.slice(COMPONENTS_REF.length));
    if (!component) throw new Error(`No component for ${ref}`);
    return component;
  }

  /** The collected components, sorted by name. */
  schemas(): Record<string, SchemaObject> {
    return sortedByKey(Object.fromEntries(this.#components));
  }

  #addComponent(name: string, body: JsonValue, io: SchemaIo) {
    if (ANONYMOUS_DEF.test(name) || !COMPONENT_NAME.test(name) || !isJsonObject(body)) {
      throw new Error(`Schema definition "${name}" has no component name; add it to NAMED_SCHEMAS`);
    }
    const existing = this.#components.get(name);
    if (existing && JSON.stringify(existing) !== JSON.stringify(body)) {
      throw new Error(
        `Component "${name}" differs between request and response (now as ${io}); ` +
          "name its input and output forms separately",
      );
    }
    this.#components.set(name, body);
  }
}
