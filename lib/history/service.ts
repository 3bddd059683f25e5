import type { BusEvent } from "#events/envelope";
import { notFound } from "#lib/errors/domain-error";
import { historyEntryOf } from "#lib/history/entry";
import type { HistoryItem, HistoryQuery } from "#lib/history/schema";
import { listHistoryEntries, putHistoryEntry, type RecordOutcome } from "#lib/history/store";
import type { Page } from "#lib/http/response";
import { linkedRecordFound, type RecordRef } from "#lib/linked-records/registry";
import { DEFAULT_PAGE_SIZE } from "#lib/records/common-schema";

/** Records one domain event in the history of the record it is about. */
export const recordHistory = (event: BusEvent): Promise<RecordOutcome> =>
  putHistoryEntry(historyEntryOf(event));

/**
 * A page of a record's history (any record of the linked-record registry), newest first, in one
 * Query.
 *
 * History outlives its record: a deleted record's history is served until it is erased. A record
 * that never existed is a 404. Telling the two apart costs nothing when history exists; only an
 * empty first page pays one GetItem, which also covers the seconds between creating a record and
 * its creation reaching the history (an existing record with no entry yet gets an empty page).
 */
export const getHistory = async (
  record: RecordRef,
  query: HistoryQuery,
): Promise<Page<HistoryItem>> => {
  const page = await listHistoryEntries(record.entity, record.id, {
    limit: query.limit ?? DEFAULT_PAGE_SIZE,
    cursor: query.cursor,
  });
  if (page.data.length === 0 && query.cursor === undefined && !(await linkedRecordFound(record))) {
    throw notFound(record.entity, record.id);
  }
  return page;
};
