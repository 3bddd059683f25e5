import * as z from "zod/mini";
import { isoDateTime, pageOf, pageQuery } from "#lib/records/common-schema";

/** `?limit=&cursor=`: the common paging parameters and nothing else. */
export const historyQuery = z.strictObject({ ...pageQuery });

export const historyChangeSchema = z.object({
  field: z.string(),
  /** Absent when the field was not set before the change. */
  from: z.optional(z.unknown()),
  /** Absent when the change cleared the field. */
  to: z.optional(z.unknown()),
});

export const historyEntrySchema = z.object({
  eventId: z.string(),
  occurredAt: isoDateTime,
  /** The user id whose request made the change. */
  actor: z.string(),
  /** The domain event's detail-type: `contact.created`, `contact.updated`, `contact.deleted`. */
  type: z.string(),
  /** The record's version after the change. */
  version: z.int(),
  changes: z.array(historyChangeSchema),
});

export const historyPage = pageOf(historyEntrySchema);

export type HistoryQuery = z.output<typeof historyQuery>;
export type HistoryItem = z.infer<typeof historyEntrySchema>;
