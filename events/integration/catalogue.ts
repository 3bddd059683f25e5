import * as z from "zod/mini";
import type { EventDefinition } from "#events/catalogue";
import {
  INTEGRATION_DETAIL_TYPES,
  INTEGRATION_SOURCE_PREFIX,
  type IntegrationDetailType,
  IntegrationEvents,
} from "#events/integration/detail-types";
import { CALL_OUTCOMES, DIRECTIONS, MAX_ATTENDEES } from "#lib/activities/schema";
import { normalizePhone } from "#lib/contacts/keys";
import { email, phoneNumber } from "#lib/contacts/schema";
import { userId } from "#lib/records/common-schema";

/**
 * The inbound event catalogue: events that integrations (a mailbox, a phone system, a calendar)
 * put on the stack's bus, and that the `interaction-ingest` rule turns into activities on the
 * matching contacts (`lib/interactions`). It is the contract for integrators, next to the
 * outbound catalogue (`events/catalogue.ts`): `events/generate.ts` writes a JSON Schema per
 * detail-type to `events/schemas/inbound/` and an example to `events/examples/inbound/`.
 *
 * EventBridge fields: `source` is `integration.<name>`, where the name (lower-case letters,
 * digits and dashes) says which integration it is; `detail-type` is one of `IntegrationEvents`;
 * `detail` is the schema of that detail-type. Details are strict: a misspelt field is refused
 * rather than silently ignored.
 */
export {
  INTEGRATION_DETAIL_TYPES,
  INTEGRATION_SOURCE_PREFIX,
  type IntegrationDetailType,
  IntegrationEvents,
};

/**
 * At most 38 characters after the prefix, so that the whole source (at most 50) is also a valid
 * contact tag: contacts created from an integration's events are tagged with its source.
 */
export const integrationSource = z
  .string()
  .check(
    z.regex(
      /^integration\.[a-z0-9][a-z0-9-]{0,37}$/,
      "The source is integration.<name>: 1-38 lower-case letters, digits and dashes",
    ),
  );

const text = (max: number) => z.string().check(z.trim(), z.minLength(1), z.maxLength(max));
/** Any ISO-8601 date-time with a `Z` or an offset; stored in UTC. */
const dateTime = z.iso.datetime({ offset: true });

/** What every inbound interaction carries. */
const common = {
  /**
   * The integration's own id for the interaction. With the source and the detail-type, it names
   * the activity: the same event delivered twice makes one activity.
   */
  externalId: z.string().check(z.minLength(1), z.maxLength(256)),
  /** When the interaction happened. */
  occurredAt: dateTime,
  /** The CRM user who owns the activity (and any contact created for it). */
  ownerId: z.optional(userId),
};

const emailDetail = z.strictObject({
  ...common,
  from: email,
  to: z.array(email).check(z.minLength(1), z.maxLength(100)),
  /** Accepted, not stored on the activity (which has no cc), and not matched to contacts. */
  cc: z.optional(z.array(email).check(z.maxLength(100))),
  /** May be empty: an email without a subject. */
  subject: z.string().check(z.trim(), z.maxLength(998)),
  /** The first lines of the body, as the mailbox shows them; may be empty. */
  snippet: z.string().check(z.trim(), z.maxLength(2000)),
  threadId: text(256),
  /** The RFC 5322 Message-ID. */
  messageId: text(998),
});

const callDetail = z.strictObject({
  ...common,
  /** The other party's number, as the phone system gives it (`+44 20 7946 0958`). */
  phoneNumber: phoneNumber.check(
    z.refine((n) => normalizePhone(n) !== undefined, "A phone number has at least 4 digits"),
  ),
  direction: z.enum(DIRECTIONS),
  durationSeconds: z.int().check(z.minimum(0), z.maximum(86_400)),
  outcome: z.enum(CALL_OUTCOMES),
});

const meetingDetail = z
  .strictObject({
    ...common,
    title: text(300),
    startsAt: dateTime,
    endsAt: dateTime,
    /** The other participants' addresses (leave your own people out: unknown ones become contacts). */
    attendees: z.array(email).check(z.minLength(1), z.maxLength(MAX_ATTENDEES)),
    location: z.optional(text(500)),
  })
  .check(
    z.refine((m) => Date.parse(m.endsAt) >= Date.parse(m.startsAt), {
      message: "A meeting ends after it starts",
      path: ["endsAt"],
    }),
  );

export const integrationDetailSchemas = {
  [IntegrationEvents.EmailReceived]: emailDetail,
  [IntegrationEvents.EmailSent]: emailDetail,
  [IntegrationEvents.CallLogged]: callDetail,
  [IntegrationEvents.MeetingScheduled]: meetingDetail,
} as const satisfies Record<IntegrationDetailType, z.ZodMiniType>;

export type EmailDetail = z.output<typeof emailDetail>;
export type CallDetail = z.output<typeof callDetail>;
export type MeetingDetail = z.output<typeof meetingDetail>;

/**
 * An inbound event as a rule target receives it: the EventBridge fields it reads (EventBridge
 * adds more: account, region, …) around one detail-type's `detail`.
 */
export const inboundEventOf = <T extends string, D extends z.ZodMiniType>(
  detailType: T,
  detail: D,
) =>
  z.object({
    id: z.string().check(z.minLength(1)),
    source: integrationSource,
    "detail-type": z.literal(detailType),
    time: z.string(),
    detail,
  });

/** An inbound interaction event as the `interaction-ingest` rule's target receives it. */
export const integrationEvent = z.discriminatedUnion("detail-type", [
  inboundEventOf(IntegrationEvents.EmailReceived, emailDetail),
  inboundEventOf(IntegrationEvents.EmailSent, emailDetail),
  inboundEventOf(IntegrationEvents.CallLogged, callDetail),
  inboundEventOf(IntegrationEvents.MeetingScheduled, meetingDetail),
]);
export type IntegrationEvent = z.output<typeof integrationEvent>;

/** One definition per detail-type, for the generated JSON Schemas and docs/events.md. */
export const integrationCatalogue: readonly EventDefinition[] = [
  {
    detailType: IntegrationEvents.EmailReceived,
    description:
      "An integration received an email: an inbound email activity on the contact of `from`.",
    schema: emailDetail,
  },
  {
    detailType: IntegrationEvents.EmailSent,
    description:
      "An integration sent an email: an outbound email activity on the contacts of the `to` addresses.",
    schema: emailDetail,
  },
  {
    detailType: IntegrationEvents.CallLogged,
    description:
      "An integration logged a phone call: a call activity on the contacts with that `phoneNumber`.",
    schema: callDetail,
  },
  {
    detailType: IntegrationEvents.MeetingScheduled,
    description:
      "An integration scheduled a meeting: a meeting activity on the contacts of the `attendees`.",
    schema: meetingDetail,
  },
];
