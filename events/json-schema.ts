import * as z from "zod/mini";
import type { EventDefinition } from "#events/catalogue";

/**
 * The JSON Schema of one detail-type's `detail`, as published in `events/schemas/` and in the
 * stack's EventBridge schema registry. Draft 4, because that is the JSON Schema version the
 * registry accepts (`Type: JSONSchemaDraft4`). Input mode leaves objects open
 * (no `additionalProperties: false`), so that adding a field is not a breaking change for
 * consumers that validate.
 */
export const jsonSchemaOf = (definition: EventDefinition): Record<string, unknown> => ({
  ...z.toJSONSchema(definition.schema, { target: "draft-4", io: "input" }),
  title: definition.detailType,
  description: definition.description,
});

/** `contact.created` -> `events/schemas/contact.created.json`. */
export const schemaFileOf = (detailType: string) => `events/schemas/${detailType}.json`;
export const exampleFileOf = (detailType: string) => `events/examples/${detailType}.json`;
