import { TransactionCanceledException } from "@aws-sdk/client-dynamodb";
import { GetCommand, QueryCommand, TransactWriteCommand } from "@aws-sdk/lib-dynamodb";
import { unmarshall } from "@aws-sdk/util-dynamodb";
import { documentClient, tableName } from "#lib/db/client";
import { decodeCursor, encodeCursor } from "#lib/db/cursor";
import { toRecord } from "#lib/db/internal-attributes";
import { tombstoneItem } from "#lib/db/tombstone";
import type { Page } from "#lib/http/response";
import type { IndexName } from "#lib/wiring/table";

/**
 * The table access layer for versioned CRM records.
 *
 * A record is one main item plus zero or more *facet* items: full copies of the record under
 * other keys. Facets serve two needs with single-request reads:
 * - uniqueness guards (a contact's email, a company's domain): a unique facet is put with
 *   `attribute_not_exists(pk)`, in the same transaction as the record, so two records can never
 *   claim the same value; and looking a record up by that value is one GetItem;
 * - multi-valued list filters (tags, company memberships), which a GSI cannot index directly:
 *   each value gets a facet whose GSI keys place the record in that value's list, so listing is
 *   one Query per page that returns whole records.
 * Every write moves the main item and all its facets in one TransactWriteItems, conditioned on
 * the record's version (optimistic concurrency), so facets never drift from their record.
 */
export interface ItemKey {
  readonly pk: string;
  readonly sk: string;
}

export type IndexKeys = Partial<Record<`${IndexName}pk` | `${IndexName}sk`, string>>;

export interface Facet {
  /** Names the facet in errors: `email`, `domain`, `tag`, `company`. */
  readonly name: string;
  readonly key: ItemKey;
  readonly index?: IndexKeys;
  /** A guard: no other record may hold a facet with this key. */
  readonly unique?: boolean;
}

export interface VersionedRecord {
  readonly id: string;
  readonly version: number;
}

export interface RecordModel<R extends VersionedRecord> {
  /** The entity type, stored as `type` on every item of the record. */
  readonly type: string;
  readonly key: (id: string) => ItemKey;
  readonly index: (record: R) => IndexKeys;
  readonly facets: (record: R) => readonly Facet[];
}

export { toRecord };

type TransactItem = NonNullable<
  ConstructorParameters<typeof TransactWriteCommand>[0]["TransactItems"]
>[number];

/** Why a transaction was refused, item by item, so the domain can say which invariant failed. */
export type ConflictTarget =
  | { readonly kind: "record" }
  | {
      readonly kind: "facet";
      readonly facet: Facet;
      readonly holder: Record<string, unknown> | undefined;
    }
  | { readonly kind: "extra"; readonly label: string };

export class WriteConflict extends Error {
  constructor(readonly targets: readonly ConflictTarget[]) {
    super(
      `Write refused: ${targets.map((t) => (t.kind === "facet" ? `facet ${t.facet.name}` : t.kind)).join(", ")}`,
    );
    this.name = "WriteConflict";
  }
}

/** Extra items of the same transaction, such as a condition on configuration or a counter. */
export interface ExtraItem {
  readonly label: string;
  readonly item: TransactItem;
}

type Described = { readonly item: TransactItem; readonly target: ConflictTarget | null };

const facetKey = (f: Facet) => `${f.key.pk}\u0000${f.key.sk}`;

/** How a write is announced; see `changeVerb` in `lib/events/change-events.ts`. */
export interface WriteOptions {
  /**
   * The verb of the domain event this write produces instead of `created`/`updated`
   * (`disabled` gives `webhook.disabled`). Stored on the main item only; the next write
   * replaces the item and so drops it.
   */
  readonly changeVerb?: string;
}

const putRecord = <R extends VersionedRecord>(
  model: RecordModel<R>,
  record: R,
  previousVersion?: number,
  options: WriteOptions = {},
): Described => ({
  item: {
    Put: {
      TableName: tableName(),
      Item: {
        ...record,
        ...model.key(record.id),
        ...model.index(record),
        entityType: model.type,
        ...(options.changeVerb ? { changeVerb: options.changeVerb } : {}),
      },
      ...(previousVersion === undefined
        ? { ConditionExpression: "attribute_not_exists(pk)" }
        : {
            ConditionExpression: "version = :previousVersion",
            ExpressionAttributeValues: { ":previousVersion": previousVersion },
          }),
      ReturnValuesOnConditionCheckFailure: "ALL_OLD",
    },
  },
  target: { kind: "record" },
});

const putFacet = <R extends VersionedRecord>(
  model: RecordModel<R>,
  record: R,
  facet: Facet,
  guarded: boolean,
): Described => ({
  item: {
    Put: {
      TableName: tableName(),
      Item: {
        ...record,
        ...facet.key,
        ...facet.index,
        entityType: model.type,
        facetName: facet.name,
      },
      // A unique facet may be overwritten only by the record that already holds it.
      ...(facet.unique && guarded
        ? {
            ConditionExpression: "attribute_not_exists(pk) OR id = :id",
            ExpressionAttributeValues: { ":id": record.id },
            ReturnValuesOnConditionCheckFailure: "ALL_OLD",
          }
        : {}),
    },
  },
  target: { kind: "facet", facet, holder: undefined },
});

const deleteFacet = (facet: Facet): Described => ({
  item: { Delete: { TableName: tableName(), Key: facet.key } },
  target: null,
});

const transact = async (described: readonly Described[]) => {
  try {
    await documentClient.send(
      new TransactWriteCommand({ TransactItems: described.map((d) => d.item) }),
    );
  } catch (error) {
    if (!(error instanceof TransactionCanceledException)) throw error;
    const reasons = error.CancellationReasons ?? [];
    const targets: ConflictTarget[] = [];
    reasons.forEach((reason, index) => {
      const target = described[index]?.target;
      if (reason.Code !== "ConditionalCheckFailed" || !target) return;
      targets.push(
        target.kind === "facet"
          ? { ...target, holder: reason.Item ? toRecord(unmarshall(reason.Item)) : undefined }
          : target,
      );
    });
    // Cancelled for another reason (a transaction conflict, throttling): let the caller's
    // error handling see the original error.
    if (targets.length === 0) throw error;
    throw new WriteConflict(targets);
  }
};

const extras = (items: readonly ExtraItem[]): Described[] =>
  items.map(({ label, item }) => ({ item, target: { kind: "extra", label } }));

export const getRecord = async <R extends VersionedRecord>(
  model: RecordModel<R>,
  id: string,
): Promise<R | undefined> => {
  const { Item } = await documentClient.send(
    new GetCommand({ TableName: tableName(), Key: model.key(id), ConsistentRead: true }),
  );
  return Item ? toRecord<R>(Item) : undefined;
};

/** Reads the record that holds a unique facet (an email, a domain) in one GetItem. */
export const getByFacet = async <R>(key: ItemKey): Promise<R | undefined> => {
  const { Item } = await documentClient.send(new GetCommand({ TableName: tableName(), Key: key }));
  return Item ? toRecord<R>(Item) : undefined;
};

export const createRecord = async <R extends VersionedRecord>(
  model: RecordModel<R>,
  record: R,
  extra: readonly ExtraItem[] = [],
  options: WriteOptions = {},
) => {
  await transact([
    putRecord(model, record, undefined, options),
    ...model.facets(record).map((facet) => putFacet(model, record, facet, true)),
    ...extras(extra),
  ]);
};

/**
 * Replaces `before` with `after` (whose version is one higher), moving facets: the ones `after`
 * no longer has are deleted, and every current one is rewritten so its copy stays exact.
 */
export const replaceRecord = async <R extends VersionedRecord>(
  model: RecordModel<R>,
  before: R,
  after: R,
  extra: readonly ExtraItem[] = [],
  options: WriteOptions = {},
) => {
  const current = model.facets(after);
  const kept = new Set(current.map(facetKey));
  const beforeFacets = new Set(model.facets(before).map(facetKey));
  await transact([
    putRecord(model, after, before.version, options),
    ...current.map((facet) => putFacet(model, after, facet, !beforeFacets.has(facetKey(facet)))),
    ...model
      .facets(before)
      .filter((facet) => !kept.has(facetKey(facet)))
      .map(deleteFacet),
    ...extras(extra),
  ]);
};

/**
 * Deletes the record and its facets, and puts a tombstone that names `actor`, in one
 * transaction: the stream publisher announces `<entity>.deleted` from the tombstone.
 */
export const deleteRecord = async <R extends VersionedRecord>(
  model: RecordModel<R>,
  record: R,
  actor: string,
  extra: readonly ExtraItem[] = [],
) => {
  const key = model.key(record.id);
  await transact([
    {
      item: {
        Delete: {
          TableName: tableName(),
          Key: key,
          ConditionExpression: "version = :version",
          ExpressionAttributeValues: { ":version": record.version },
        },
      },
      target: { kind: "record" },
    },
    {
      item: {
        Put: {
          TableName: tableName(),
          Item: tombstoneItem(key, {
            entityType: model.type,
            id: record.id,
            version: record.version,
            deletedBy: actor,
          }),
        },
      },
      target: null,
    },
    ...model.facets(record).map(deleteFacet),
    ...extras(extra),
  ]);
};

export interface ListQuery {
  /** The GSI to query; the table's own key when absent. */
  readonly index?: IndexName;
  readonly partition: string;
  readonly sortBeginsWith?: string;
  readonly limit: number;
  readonly cursor: string | undefined;
  readonly newestFirst?: boolean;
}

/** One Query per page, whatever the size of the table. */
export const listRecords = async <R>(query: ListQuery): Promise<Page<R>> => {
  const pkAttribute = query.index ? `${query.index}pk` : "pk";
  const skAttribute = query.index ? `${query.index}sk` : "sk";
  const scope = [query.index ?? "table", query.partition, query.sortBeginsWith ?? ""].join("|");
  const exclusiveStartKey = decodeCursor(query.cursor, scope, {
    attribute: pkAttribute,
    value: query.partition,
  });
  const result = await documentClient.send(
    new QueryCommand({
      TableName: tableName(),
      ...(query.index ? { IndexName: query.index } : {}),
      KeyConditionExpression:
        query.sortBeginsWith === undefined
          ? "#pk = :pk"
          : "#pk = :pk AND begins_with(#sk, :prefix)",
      ExpressionAttributeNames: {
        "#pk": pkAttribute,
        ...(query.sortBeginsWith === undefined ? {} : { "#sk": skAttribute }),
      },
      ExpressionAttributeValues: {
        ":pk": query.partition,
        ...(query.sortBeginsWith === undefined ? {} : { ":prefix": query.sortBeginsWith }),
      },
      // One more than asked, so that the last page says it is the last (no empty extra page).
      Limit: query.limit + 1,
      ScanIndexForward: !query.newestFirst,
      ...(exclusiveStartKey ? { ExclusiveStartKey: exclusiveStartKey } : {}),
    }),
  );
  const items = result.Items ?? [];
  const pageItems = items.slice(0, query.limit);
  const last = pageItems.at(-1);
  const keyAttributes = ["pk", "sk", ...(query.index ? [pkAttribute, skAttribute] : [])];
  const resumeKey =
    items.length > query.limit && last
      ? (Object.fromEntries(keyAttributes.map((a) => [a, last[a]])) as Record<string, string>)
      : undefined;
  return {
    data: pageItems.map((item) => toRecord<R>(item)),
    nextCursor: encodeCursor(resumeKey, scope),
  };
};
