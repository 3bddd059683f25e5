import * as z from "zod/mini";
import type { ActivityType } from "#lib/activities/types";

/**
 * The engagement of a linkable record (a contact, a company, …), derived from its activities by
 * the engagement recorder: when the latest one happened, and how many of each type it has.
 * Served with the record (`GET /contacts/{id}`), never written by clients.
 */
const count = z.int().check(z.minimum(0));

const activityCounts = z.object({
  email: count,
  call: count,
  meeting: count,
  note: count,
  social: count,
} satisfies Record<ActivityType, typeof count>);

export const engagementSchema = z.object({
  /** The `occurredAt` of the record's latest activity; null while it has none. */
  lastActivityAt: z.nullable(z.string()),
  activityCounts,
});

export type Engagement = z.infer<typeof engagementSchema>;
