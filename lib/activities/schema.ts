import * as z from "zod/mini";
import { ACTIVITY_TYPES, type ActivityType } from "#lib/activities/types";
import { email } from "#lib/contacts/schema";
import { recordRefs } from "#lib/linked-records/registry";
import { idOf, isoDateTime, pageQuery, recordMeta, userId } from "#lib/records/common-schema";

/**
 * Activities: every interaction with a customer (an email, a call, a meeting, a note, a social
 * message), linked to any number of records and shown on each one's timeline. The `type`
 * discriminates the fields each kind carries; it cannot change once the activity exists.
 */
export { ACTIVITY_TYPES, type ActivityType };
export const DIRECTIONS = ["inbound", "outbound"] as const;
export const CALL_OUTCOMES = [
  "connected",
  "no_answer",
  "busy",
  "left_voicemail",
  "wrong_number",
] as const;
export const SOCIAL_NETWORKS = [
  "linkedin",
  "x",
  "facebook",
  "instagram",
  "whatsapp",
  "other",
] as const;
/** A transaction holds at most 100 items; each link costs a timeline copy and an existence check. */
export const MAX_LINKS = 25;
export const MAX_ATTENDEES = 100;

export const activityId = idOf("act");
export const activityType = z.enum(ACTIVITY_TYPES);

const text = (max: number) => z.string().check(z.trim(), z.minLength(1), z.maxLength(max));
const direction = z.enum(DIRECTIONS);

const links = recordRefs(MAX_LINKS).check(
  z.minLength(1, "An activity links to at least one record"),
);

/** The fields of each type, as a client sends them; every one is optional on update. */
const emailFields = {
  direction,
  subject: z.optional(text(998)),
  snippet: z.optional(text(2000)),
  from: email,
  to: z.array(email).check(z.minLength(1), z.maxLength(100)),
  threadId: z.optional(text(256)),
};
const callFields = {
  direction,
  durationSeconds: z.int().check(z.minimum(0), z.maximum(86_400)),
  outcome: z.enum(CALL_OUTCOMES),
  phone: z.optional(text(30)),
};
const meetingFields = {
  startsAt: isoDateTime,
  endsAt: isoDateTime,
  attendees: z._default(z.array(email).check(z.maxLength(MAX_ATTENDEES)), []),
  location: z.optional(text(500)),
};
const noteFields = {};
const socialFields = {
  direction,
  network: z.enum(SOCIAL_NETWORKS),
  handle: text(200),
};

/** What every activity has, whatever its type. */
const commonInput = {
  occurredAt: isoDateTime,
  ownerId: z.optional(userId),
  title: z.optional(text(300)),
  body: z.optional(text(10_000)),
  links,
};

export const createActivityBody = z.discriminatedUnion("type", [
  z.strictObject({ type: z.literal("email"), ...commonInput, ...emailFields }),
  z.strictObject({ type: z.literal("call"), ...commonInput, ...callFields }),
  z.strictObject({ type: z.literal("meeting"), ...commonInput, ...meetingFields }).check(
    // As times, not strings: `…T10:00:00Z` sorts after `…T10:00:00.500Z`.
    z.refine((m) => Date.parse(m.endsAt) >= Date.parse(m.startsAt), {
      message: "A meeting ends after it starts",
      path: ["endsAt"],
    }),
  ),
  z.strictObject({ type: z.literal("note"), ...commonInput, ...noteFields }),
  z.strictObject({ type: z.literal("social"), ...commonInput, ...socialFields }),
]);

/**
 * PATCH: any common or type-specific field; `type` cannot change, and fields of another type are
 * refused by the service against the stored type. `null` clears an optional field.
 */
export const updateActivityBody = z
  .strictObject({
    occurredAt: z.optional(isoDateTime),
    ownerId: z.optional(z.nullable(userId)),
    title: z.optional(z.nullable(text(300))),
    body: z.optional(z.nullable(text(10_000))),
    links: z.optional(links),
    direction: z.optional(direction),
    subject: z.optional(z.nullable(text(998))),
    snippet: z.optional(z.nullable(text(2000))),
    from: z.optional(email),
    to: z.optional(z.array(email).check(z.minLength(1), z.maxLength(100))),
    threadId: z.optional(z.nullable(text(256))),
    durationSeconds: z.optional(z.int().check(z.minimum(0), z.maximum(86_400))),
    outcome: z.optional(z.enum(CALL_OUTCOMES)),
    phone: z.optional(z.nullable(text(30))),
    startsAt: z.optional(isoDateTime),
    endsAt: z.optional(isoDateTime),
    attendees: z.optional(z.array(email).check(z.maxLength(MAX_ATTENDEES))),
    location: z.optional(z.nullable(text(500))),
    network: z.optional(z.enum(SOCIAL_NETWORKS)),
    handle: z.optional(text(200)),
  })
  .check(z.refine((body) => Object.keys(body).length > 0, "The patch changes nothing"));

/** Which fields belong to which type, so the service can refuse a call's `outcome` on an email. */
export const TYPE_FIELDS: Readonly<Record<ActivityType, readonly string[]>> = {
  email: Object.keys(emailFields),
  call: Object.keys(callFields),
  meeting: Object.keys(meetingFields),
  note: Object.keys(noteFields),
  social: Object.keys(socialFields),
};

/**
 * Where an activity came from when an integration logged it (`lib/interactions`): the source
 * (`integration.gmail`) and that system's id for the interaction, which makes redelivery a no-op.
 */
export const activityOrigin = z.object({
  source: z.string(),
  externalId: z.string(),
});

export const activitySchema = z.object({
  id: activityId,
  type: activityType,
  occurredAt: z.string(),
  ownerId: z.optional(z.string()),
  title: z.optional(z.string()),
  body: z.optional(z.string()),
  links: z.array(z.object({ entity: z.string(), id: z.string() })),
  direction: z.optional(direction),
  subject: z.optional(z.string()),
  snippet: z.optional(z.string()),
  from: z.optional(z.string()),
  to: z.optional(z.array(z.string())),
  threadId: z.optional(z.string()),
  durationSeconds: z.optional(z.int()),
  outcome: z.optional(z.enum(CALL_OUTCOMES)),
  phone: z.optional(z.string()),
  startsAt: z.optional(z.string()),
  endsAt: z.optional(z.string()),
  attendees: z.optional(z.array(z.string())),
  location: z.optional(z.string()),
  network: z.optional(z.enum(SOCIAL_NETWORKS)),
  handle: z.optional(z.string()),
  origin: z.optional(activityOrigin),
  /**
   * On a ticket's replies (lib/tickets): `public` was sent to the requester, `internal` is a
   * note among agents. Set by the ticket service, never by `POST /activities`.
   */
  visibility: z.optional(z.enum(["public", "internal"])),
  ...recordMeta,
});

/**
 * The `changes` of `activity.deleted`: what the tombstone kept of the activity (see
 * `retainOnDelete` in keys.ts), so that consumers know which records it was on.
 */
export const activityDeletedChanges = z.object({
  type: z.object({ from: activityType }),
  occurredAt: z.object({ from: z.string() }),
  links: z.object({ from: z.array(z.object({ entity: z.string(), id: z.string() })) }),
});

export const activityParams = z.strictObject({ activityId });

/** Timeline filters: type, and a date range on `occurredAt` (`from` inclusive, `to` exclusive). */
export const timelineQuery = z.strictObject({
  ...pageQuery,
  type: z.optional(activityType),
  from: z.optional(isoDateTime),
  to: z.optional(isoDateTime),
});

export type Activity = z.infer<typeof activitySchema>;
export type CreateActivity = z.output<typeof createActivityBody>;
export type UpdateActivity = z.output<typeof updateActivityBody>;
export type TimelineQuery = z.output<typeof timelineQuery>;
