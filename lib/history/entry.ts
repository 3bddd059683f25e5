import type { BusEvent } from "#events/envelope";
import { splitDetailType } from "#lib/events/detail-types";

/** One field's move: absent `from` means it was not set before, absent `to` that it was cleared. */
export interface HistoryChange {
  readonly field: string;
  readonly from?: unknown;
  readonly to?: unknown;
}

/** What the audit trail keeps of one domain event about one record. */
export interface HistoryEntry {
  readonly entity: string;
  readonly recordId: string;
  readonly eventId: string;
  readonly occurredAt: string;
  readonly actor: string;
  /** The event's detail-type: `contact.updated`. */
  readonly type: string;
  /** The record's version after the change (for a deletion, the version it was deleted at). */
  readonly version: number;
  readonly changes: readonly HistoryChange[];
}

/**
 * Stamped by the store on every write; they say when and by whom, which the entry already says,
 * so listing them as changed fields would only be noise. `id` never changes.
 */
const BOOKKEEPING_FIELDS = new Set([
  "id",
  "version",
  "createdAt",
  "updatedAt",
  "createdBy",
  "updatedBy",
]);

/**
 * Fields that are a log of their own, kept on the record and served with it: a deal's
 * `stageHistory` gains an entry at every move, which the move's `stageId` change already shows.
 * Copying the whole log into each entry would make every entry grow with the record's age.
 */
const SELF_LOGGED_FIELDS: Readonly<Record<string, ReadonlySet<string>>> = {
  deal: new Set(["stageHistory"]),
};

const isListed = (entity: string) => {
  const selfLogged = SELF_LOGGED_FIELDS[entity];
  return (field: string) => !BOOKKEEPING_FIELDS.has(field) && !selfLogged?.has(field);
};

const initialValues = (data: unknown, listed: (field: string) => boolean): HistoryChange[] => {
  if (typeof data !== "object" || data === null) return [];
  return Object.entries(data as Record<string, unknown>)
    .filter(([field, value]) => listed(field) && value !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([field, to]) => ({ field, to }));
};

/**
 * The history entry of a domain event:
 * - a creation lists the initial value of every field (`from` absent);
 * - a deletion is an entry without changes (its type says what happened), so a deleted record
 *   keeps the trail of who deleted it and when;
 * - any other event (`updated`, `stage_changed`, …) lists the envelope's field changes.
 * Bookkeeping fields and self-logged fields are left out of all three.
 */
export const historyEntryOf = (event: BusEvent): HistoryEntry => {
  const { detail } = event;
  const type = event["detail-type"];
  const { verb } = splitDetailType(type);
  const listed = isListed(detail.entity);
  const changes =
    verb === "created"
      ? initialValues(detail.data, listed)
      : detail.data === null && verb === "deleted"
        ? []
        : Object.entries(detail.changes)
            .filter(([field]) => listed(field))
            .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
            .map(([field, change]) => ({
              field,
              ...(change.from === undefined ? {} : { from: change.from }),
              ...(change.to === undefined ? {} : { to: change.to }),
            }));
  return {
    entity: detail.entity,
    recordId: detail.id,
    eventId: detail.eventId,
    occurredAt: detail.occurredAt,
    actor: detail.actor,
    type,
    version: detail.version,
    changes,
  };
};
