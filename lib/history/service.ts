import type { BusEvent } from "#events/envelope";
import { companyKey } from "#lib/companies/keys";
import { contactKey } from "#lib/contacts/keys";
import type { ItemKey } from "#lib/db/record-store";
import { notFound } from "#lib/errors/domain-error";
import { historyEntryOf } from "#lib/history/entry";
import type { HistoryItem, HistoryQuery } from "#lib/history/schema";
import {
  listHistoryEntries,
  putHistoryEntry,
  type RecordOutcome,
  recordExists,
} from "#lib/history/store";
import type { Page } from "#lib/http/response";
import { DEFAULT_PAGE_SIZE } from "#lib/records/common-schema";

/** Records one domain event in the history of the record it is about. */
export const recordHistory = (event: BusEvent): Promise<RecordOutcome> =>
  putHistoryEntry(historyEntryOf(event));

/** The entities whose history the API serves, with the key of a record's main item. */
const recordKeys = {
  contact: contactKey,
  company: companyKey,
} as const satisfies Record<string, (id: string) => ItemKey>;

export type HistoryEntity = keyof typeof recordKeys;

/**
 * A page of a record's history, newest first, in one Query.
 *
 * History outlives its record: a deleted record's history is served until it is erased. A record
 * that never existed is a 404. Telling the two apart costs nothing when history exists; only an
 * empty first page pays one GetItem, which also covers the seconds between creating a record and
 * its creation reaching the history (an existing record with no entry yet gets an empty page).
 */
export const getHistory = async (
  entity: HistoryEntity,
  id: string,
  query: HistoryQuery,
): Promise<Page<HistoryItem>> => {
  const page = await listHistoryEntries(entity, id, {
    limit: query.limit ?? DEFAULT_PAGE_SIZE,
    cursor: query.cursor,
  });
  if (page.data.length === 0 && query.cursor === undefined) {
    if (!(await recordExists(recordKeys[entity](id)))) throw notFound(entity, id);
  }
  return page;
};
