import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { BatchWriteCommand, DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { contactModel } from "#lib/contacts/keys";
import type { Contact } from "#lib/contacts/schema";
import type { RecordModel, VersionedRecord } from "#lib/db/record-store";
import { storedContact } from "./contact-data.ts";

/**
 * Bulk loads for the scale benchmark. Going through the API would take one transaction per
 * contact; instead the items are written with BatchWriteItem in exactly the shape the record
 * store writes them (main item plus facets, keys from the entity's record model), so the lists
 * read them as if the API had.
 */
type Item = Record<string, unknown>;

/** The items `createRecord` puts for `record`: the same spreads, in the same order. */
export const recordItems = <R extends VersionedRecord>(
  model: RecordModel<R>,
  record: R,
): Item[] => {
  // The record's own fields, as the plain attribute map DynamoDB stores.
  const fields: Item = Object.fromEntries(Object.entries(record));
  return [
    { ...fields, ...model.key(record.id), ...model.index(record), entityType: model.type },
    ...model.facets(record).map((facet) => ({
      ...fields,
      ...facet.key,
      ...facet.index,
      entityType: model.type,
      facetName: facet.name,
    })),
  ];
};

/** BatchWriteItem takes at most 25 puts. */
const BATCH_SIZE = 25;
/**
 * DynamoDB Local writes on about one core whatever the concurrency; a few requests in flight
 * keep it busy, and more only queue up in it.
 */
const CONCURRENCY = 4;

const writeBatch = async (client: DynamoDBDocumentClient, table: string, items: Item[]) => {
  let pending: Item[] = items;
  for (let attempt = 0; pending.length > 0; attempt++) {
    if (attempt > 20) throw new Error("BatchWriteItem kept returning unprocessed items");
    const { UnprocessedItems } = await client.send(
      new BatchWriteCommand({
        RequestItems: { [table]: pending.map((Item) => ({ PutRequest: { Item } })) },
      }),
    );
    pending = (UnprocessedItems?.[table] ?? []).flatMap((r) =>
      r.PutRequest?.Item ? [r.PutRequest.Item] : [],
    );
  }
};

export interface LoadResult {
  readonly contacts: number;
  readonly items: number;
  readonly seconds: number;
}

/** Writes `count` contacts (with their facets) into `table`. */
export const loadContacts = async (
  client: DynamoDBClient,
  table: string,
  count: number,
  run: string,
): Promise<LoadResult> => {
  const started = performance.now();
  const documents = DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true },
  });
  const at = new Date();
  let next = 0;
  let items = 0;
  let batch: Item[] = [];
  // Batches are made lazily, so 50,000 contacts never sit in memory as items at once.
  const nextBatch = (): Item[] | undefined => {
    while (batch.length < BATCH_SIZE && next < count) {
      batch.push(...recordItems<Contact>(contactModel, storedContact(next, run, at)));
      next++;
    }
    if (batch.length === 0) return undefined;
    const taken = batch.slice(0, BATCH_SIZE);
    batch = batch.slice(BATCH_SIZE);
    items += taken.length;
    return taken;
  };
  const worker = async () => {
    for (let taken = nextBatch(); taken; taken = nextBatch()) {
      await writeBatch(documents, table, taken);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return { contacts: count, items, seconds: (performance.now() - started) / 1000 };
};
