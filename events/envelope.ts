import * as z from "zod/mini";

/**
 * The contract every CRM domain event follows on the bus, in the feed and at webhooks.
 *
 * EventBridge fields: `source` is always `crm`; `detail-type` is `<entity>.<verb>`
 * (`contact.created`, `deal.stage_changed`); `detail` is this envelope, versioned by
 * `schemaVersion` so that consumers can tell a breaking change.
 */
export const EVENT_SOURCE = "crm";
export const ENVELOPE_SCHEMA_VERSION = 1;

/** One changed field: its value before and after the change (absent = not set). */
export const fieldChange = z.object({ from: z.optional(z.unknown()), to: z.optional(z.unknown()) });

export const envelopeOf = <Data extends z.ZodMiniType>(data: Data) =>
  z.object({
    schemaVersion: z.literal(ENVELOPE_SCHEMA_VERSION),
    /** Unique and stable per change: consumers deduplicate on it (delivery is at-least-once). */
    eventId: z.string().check(z.minLength(1)),
    /** When the change committed (ISO-8601 UTC). */
    occurredAt: z.iso.datetime(),
    /** `contact`, `company`, … */
    entity: z.string(),
    /** The record's id. */
    id: z.string(),
    /** The record's version after the change (for a deletion, the version it was deleted at). */
    version: z.int(),
    /** The user id whose request made the change, from the token's `sub`. */
    actor: z.string(),
    /** The record after the change; null for a deletion. */
    data: z.nullable(data),
    /**
     * Field by field: what changed, from what, to what. Empty on creation; on deletion, empty
     * unless the entity keeps some fields for it (an activity's `type`, `occurredAt`, `links`).
     */
    changes: z.record(z.string(), fieldChange),
  });

export type FieldChange = z.infer<typeof fieldChange>;

export interface Envelope<Data = unknown> {
  readonly schemaVersion: typeof ENVELOPE_SCHEMA_VERSION;
  readonly eventId: string;
  readonly occurredAt: string;
  readonly entity: string;
  readonly id: string;
  readonly version: number;
  readonly actor: string;
  readonly data: Data | null;
  readonly changes: Readonly<Record<string, FieldChange>>;
}

/** A domain event as EventBridge delivers it to a rule target. */
export interface BusEvent<Data = unknown> {
  readonly id: string;
  readonly source: string;
  readonly "detail-type": string;
  readonly time: string;
  readonly detail: Envelope<Data>;
}
