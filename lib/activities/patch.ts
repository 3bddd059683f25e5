import {
  type Activity,
  type ActivityType,
  createActivityBody,
  TYPE_FIELDS,
  type UpdateActivity,
} from "#lib/activities/schema";
import { type FieldError, invalidInput } from "#lib/errors/domain-error";
import { toFieldErrors } from "#lib/http/middleware/validation";
import { canonicalInstant } from "#lib/records/common-schema";
import { applyPatch } from "#lib/records/mutate";

/** What every activity has, whatever its type; the rest belongs to one type (`TYPE_FIELDS`). */
export const COMMON_FIELDS: readonly string[] = ["occurredAt", "ownerId", "title", "body", "links"];

/** The fields of a patch that an activity of this type does not have: a call's `outcome` on an email. */
export const foreignFields = (type: ActivityType, patch: UpdateActivity): FieldError[] =>
  Object.entries(patch)
    .filter(
      ([field, value]) =>
        value !== undefined && !COMMON_FIELDS.includes(field) && !TYPE_FIELDS[type].includes(field),
    )
    .map(([field]) => ({
      path: `body.${field}`,
      message: `An activity of type ${type} has no ${field}`,
    }));

/** The fields a client controls, as the create schema takes them. */
const clientFieldsOf = (activity: Activity): Record<string, unknown> => {
  const fields = ["type", ...COMMON_FIELDS, ...TYPE_FIELDS[activity.type]];
  const source = activity as Readonly<Record<string, unknown>>;
  return Object.fromEntries(
    fields.flatMap((field) => (source[field] === undefined ? [] : [[field, source[field]]])),
  );
};

/**
 * The activity with a patch applied, or a 400 naming every field the patch may not set:
 * fields of another type than the stored one, and a result that is not a valid activity as a
 * whole (a meeting that would end before it starts). The type never changes.
 */
export const patchActivity = (before: Activity, patch: UpdateActivity): Activity => {
  const foreign = foreignFields(before.type, patch);
  if (foreign.length > 0) {
    throw invalidInput(
      "activity.fields_of_another_type",
      `An activity of type ${before.type} cannot take ${foreign.map((e) => e.path.slice(5)).join(", ")}.`,
      foreign,
    );
  }
  const after = applyPatch(before, patch);
  const checked = createActivityBody.safeParse(clientFieldsOf(after));
  if (!checked.success) {
    throw invalidInput(
      "activity.invalid_after_patch",
      "The activity would not be valid after this change; see errors.",
      toFieldErrors("body", checked.error.issues),
    );
  }
  return { ...after, occurredAt: canonicalInstant(after.occurredAt) };
};
