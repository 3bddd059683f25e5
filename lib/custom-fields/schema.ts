import * as z from "zod/mini";
import { customFieldKey } from "#lib/custom-fields/values-schema";
import { isoDateTime, userId } from "#lib/records/common-schema";

/** The records that can carry custom fields. Later capabilities add theirs here. */
export const CUSTOM_FIELD_ENTITIES = ["contact", "company", "deal", "lead", "ticket"] as const;
export const CUSTOM_FIELD_TYPES = [
  "text",
  "number",
  "date",
  "boolean",
  "single_select",
  "multi_select",
] as const;
export const MAX_DEFINITIONS_PER_ENTITY = 100;

export const customFieldEntity = z.enum(CUSTOM_FIELD_ENTITIES);
export const customFieldType = z.enum(CUSTOM_FIELD_TYPES);
const label = z.string().check(z.trim(), z.minLength(1), z.maxLength(100));
const option = z.string().check(z.trim(), z.minLength(1), z.maxLength(200));
const options = z.array(option).check(
  z.minLength(1),
  z.maxLength(200),
  z.refine((list) => new Set(list).size === list.length, "Options must be unique"),
);

const isSelect = (type: string) => type === "single_select" || type === "multi_select";

export const createCustomFieldBody = z
  .strictObject({
    entity: customFieldEntity,
    key: customFieldKey,
    label,
    type: customFieldType,
    required: z._default(z.boolean(), false),
    options: z.optional(options),
  })
  .check(
    z.refine((d) => isSelect(d.type) === (d.options !== undefined), {
      message: "Select fields need options; other types take none",
      path: ["options"],
    }),
  );

export const updateCustomFieldBody = z
  .strictObject({
    label: z.optional(label),
    required: z.optional(z.boolean()),
    options: z.optional(options),
  })
  .check(z.refine((body) => Object.keys(body).length > 0, "The patch changes nothing"));

export const customFieldSchema = z.object({
  entity: customFieldEntity,
  key: z.string(),
  label: z.string(),
  type: customFieldType,
  required: z.boolean(),
  options: z.optional(z.array(z.string())),
  version: z.int(),
  createdAt: isoDateTime,
  updatedAt: isoDateTime,
  createdBy: userId,
  updatedBy: userId,
});

export const customFieldParams = z.strictObject({ entity: customFieldEntity, key: customFieldKey });
export const listCustomFieldsQuery = z.strictObject({ entity: customFieldEntity });
export const customFieldList = z.object({ data: z.array(customFieldSchema) });

export type CustomFieldEntity = z.infer<typeof customFieldEntity>;
export type CustomFieldDefinition = z.infer<typeof customFieldSchema>;
export type CreateCustomField = z.output<typeof createCustomFieldBody>;
export type UpdateCustomField = z.output<typeof updateCustomFieldBody>;
