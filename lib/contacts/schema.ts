import * as z from "zod/mini";
import { customFieldPatch, customFieldValues } from "#lib/custom-fields/values-schema";
import { engagementSchema } from "#lib/engagement/schema";
import { idOf, pageQuery, recordMeta, tags, userId } from "#lib/records/common-schema";

export const LIFECYCLE_STAGES = [
  "subscriber",
  "lead",
  "opportunity",
  "customer",
  "evangelist",
  "other",
] as const;
export const PHONE_LABELS = ["work", "mobile", "home", "other"] as const;
export const MAX_EMAILS = 5;
export const MAX_PHONES = 10;
export const MAX_COMPANIES = 20;

export const contactId = idOf("con");
export const companyId = idOf("co");

const name = z.string().check(z.trim(), z.minLength(1), z.maxLength(100));
export const email = z.pipe(
  z.string().check(z.trim(), z.toLowerCase(), z.maxLength(254)),
  z.email(),
);
const emails = z.array(email).check(
  z.maxLength(MAX_EMAILS),
  z.refine((list) => new Set(list).size === list.length, "Email addresses must be unique"),
);
/** A phone number as people write it; `normalizePhone` (keys.ts) keys the phone index. */
export const phoneNumber = z
  .string()
  .check(
    z.trim(),
    z.regex(/^\+?[0-9 ().-]{4,30}$/, "A phone number has digits, spaces and + ( ) . -"),
  );
const phone = z.strictObject({
  number: phoneNumber,
  label: z._default(z.enum(PHONE_LABELS), "work"),
});
const phones = z.array(phone).check(z.maxLength(MAX_PHONES));
const jobTitle = z.string().check(z.trim(), z.minLength(1), z.maxLength(200));
const lifecycleStage = z.enum(LIFECYCLE_STAGES);
export const associationRole = z.string().check(z.trim(), z.minLength(1), z.maxLength(60));

const hasIdentity = (c: { firstName?: unknown; lastName?: unknown; emails?: readonly unknown[] }) =>
  c.firstName !== undefined || c.lastName !== undefined || (c.emails?.length ?? 0) > 0;

export const createContactBody = z
  .strictObject({
    firstName: z.optional(name),
    lastName: z.optional(name),
    emails: z._default(emails, []),
    phones: z._default(phones, []),
    jobTitle: z.optional(jobTitle),
    ownerId: z.optional(userId),
    lifecycleStage: z._default(lifecycleStage, "lead"),
    tags: z._default(tags, []),
    customFields: z._default(customFieldValues, {}),
  })
  .check(
    z.refine(hasIdentity, {
      message: "A contact needs a first name, a last name or an email",
      path: ["firstName"],
    }),
  );

/** PATCH: every field optional; `null` clears an optional field. */
export const updateContactBody = z
  .strictObject({
    firstName: z.optional(z.nullable(name)),
    lastName: z.optional(z.nullable(name)),
    emails: z.optional(emails),
    phones: z.optional(phones),
    jobTitle: z.optional(z.nullable(jobTitle)),
    ownerId: z.optional(z.nullable(userId)),
    lifecycleStage: z.optional(lifecycleStage),
    tags: z.optional(tags),
    customFields: z.optional(customFieldPatch),
  })
  .check(z.refine((body) => Object.keys(body).length > 0, "The patch changes nothing"));

export const companyAssociation = z.strictObject({ companyId, role: associationRole });

export const contactSchema = z.object({
  id: contactId,
  firstName: z.optional(z.string()),
  lastName: z.optional(z.string()),
  emails: z.array(z.string()),
  phones: z.array(z.object({ number: z.string(), label: z.enum(PHONE_LABELS) })),
  jobTitle: z.optional(z.string()),
  ownerId: z.optional(z.string()),
  lifecycleStage,
  tags: z.array(z.string()),
  customFields: customFieldValues,
  companies: z.array(z.object({ companyId: z.string(), role: z.string() })),
  ...recordMeta,
});

/**
 * `GET /contacts/{id}`: the contact with its engagement, derived from its activities and kept
 * beside the record (never in its events, never written by clients).
 */
export const contactDetailSchema = z.extend(contactSchema, { engagement: engagementSchema });

export const contactParams = z.strictObject({ contactId });
export const contactCompanyParams = z.strictObject({ contactId, companyId });
export const associateCompanyBody = z.strictObject({ role: associationRole });

/** List filters; at most one of them per request, each served by its own index. */
export const listContactsQuery = z.strictObject({
  ...pageQuery,
  ownerId: z.optional(userId),
  lifecycleStage: z.optional(lifecycleStage),
  tag: z.optional(z.string().check(z.trim(), z.toLowerCase(), z.minLength(1), z.maxLength(50))),
  companyId: z.optional(companyId),
  email: z.optional(email),
  q: z.optional(z.string().check(z.trim(), z.minLength(1), z.maxLength(100))),
});

export type Contact = z.infer<typeof contactSchema>;
export type ContactDetail = z.infer<typeof contactDetailSchema>;
export type CreateContact = z.output<typeof createContactBody>;
export type UpdateContact = z.output<typeof updateContactBody>;
export type ListContactsQuery = z.output<typeof listContactsQuery>;
