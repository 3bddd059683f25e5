import { ConditionalCheckFailedException } from "@aws-sdk/client-dynamodb";
import { PutCommand } from "@aws-sdk/lib-dynamodb";
import { documentClient, tableName } from "#lib/db/client";
import { listRecords } from "#lib/db/record-store";
import type { HistoryEntry } from "#lib/history/entry";
import { HISTORY_ENTITY_TYPE, historyEntryKey, historyPartition } from "#lib/history/keys";
import type { HistoryItem } from "#lib/history/schema";
import type { Page } from "#lib/http/response";

export type RecordOutcome = "recorded" | "duplicate";

/**
 * Writes one entry, once. The key is derived from the event, so a redelivered event (delivery is
 * at-least-once) meets its own entry and the conditional put writes nothing: no second entry,
 * and no stream record either.
 */
export const putHistoryEntry = async (entry: HistoryEntry): Promise<RecordOutcome> => {
  try {
    await documentClient.send(
      new PutCommand({
        TableName: tableName(),
        Item: {
          ...historyEntryKey(entry.entity, entry.recordId, entry.occurredAt, entry.eventId),
          entityType: HISTORY_ENTITY_TYPE,
          ...entry,
        },
        ConditionExpression: "attribute_not_exists(pk)",
      }),
    );
    return "recorded";
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return "duplicate";
    throw error;
  }
};

/** The API's view of a stored entry: the record it belongs to is in the URL already. */
const toItem = (stored: HistoryEntry): HistoryItem => ({
  eventId: stored.eventId,
  occurredAt: stored.occurredAt,
  actor: stored.actor,
  type: stored.type,
  version: stored.version,
  changes: stored.changes.map((change) => ({ ...change })),
});

/** A page of one record's history, newest first: one Query. */
export const listHistoryEntries = async (
  entity: string,
  id: string,
  page: { readonly limit: number; readonly cursor: string | undefined },
): Promise<Page<HistoryItem>> => {
  const result = await listRecords<HistoryEntry>({
    partition: historyPartition(entity, id),
    limit: page.limit,
    cursor: page.cursor,
    newestFirst: true,
  });
  return { data: result.data.map(toItem), nextCursor: result.nextCursor };
};
