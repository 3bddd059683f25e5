import { TransactionCanceledException } from "@aws-sdk/client-dynamodb";
import {
  BatchGetCommand,
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
} from "@aws-sdk/lib-dynamodb";
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
  /**
   * Fields the tombstone keeps when the record is deleted, for its `<entity>.deleted` event to
   * report in `changes` (an activity's links: the records whose engagement counted it).
   */
  readonly retainOnDelete?: (record: R) => Readonly<Record<string, unknown>>;
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

/** One item of a record's write, with the facet it is for (none for the main item). */
interface RecordWrite {
  readonly described: Described;
  readonly facet?: Facet;
}

/** The items that create `record`: the main item, and its facets (a unique one guarded). */
const creationWrites = <R extends VersionedRecord>(
  model: RecordModel<R>,
  record: R,
  options: WriteOptions = {},
): RecordWrite[] => [
  { described: putRecord(model, record, undefined, options) },
  ...model
    .facets(record)
    .map((facet) => ({ described: putFacet(model, record, facet, true), facet })),
];

/**
 * The items that replace `before` with `after`: the main item, every current facet (guarded when
 * `before` did not hold it already), and the deletion of each facet `after` no longer has.
 */
const replacementWrites = <R extends VersionedRecord>(
  model: RecordModel<R>,
  before: R,
  after: R,
  options: WriteOptions = {},
): RecordWrite[] => {
  const current = model.facets(after);
  const previous = model.facets(before);
  const kept = new Set(current.map(facetKey));
  const beforeFacets = new Set(previous.map(facetKey));
  return [
    { described: putRecord(model, after, before.version, options) },
    ...current.map((facet) => ({
      described: putFacet(model, after, facet, !beforeFacets.has(facetKey(facet))),
      facet,
    })),
    ...previous
      .filter((facet) => !kept.has(facetKey(facet)))
      .map((facet) => ({ described: deleteFacet(facet), facet })),
  ];
};

/** A record's items as extra items of another write: `label`, or `<label>:<facet name>`. */
const labelled = (writes: readonly RecordWrite[], label: string): ExtraItem[] =>
  writes.map(({ described, facet }) => ({
    label: facet ? `${label}:${facet.name}` : label,
    item: described.item,
  }));

export const getRecord = async <R extends VersionedRecord>(
  model: RecordModel<R>,
  id: string,
): Promise<R | undefined> => {
  const { Item } = await documentClient.send(
    new GetCommand({ TableName: tableName(), Key: model.key(id), ConsistentRead: true }),
  );
  return Item ? toRecord<R>(Item) : undefined;
};

/**
 * Reads a record and companion items (other items of its own, such as derived counters kept
 * apart so that the record's writes do not race them) in one consistent BatchGetItem. Each
 * companion is returned as stored, or undefined when it does not exist.
 */
export const getRecordWith = async <R extends VersionedRecord>(
  model: RecordModel<R>,
  id: string,
  companions: readonly ItemKey[],
): Promise<{ record: R | undefined; companions: (Record<string, unknown> | undefined)[] }> => {
  const keys = [model.key(id), ...companions];
  const found = new Map<string, Record<string, unknown>>();
  let pending: Record<string, unknown>[] = keys.map((key) => ({ pk: key.pk, sk: key.sk }));
  // Unprocessed keys (throttling) are asked again; an answer with none is the usual single call.
  for (let attempt = 1; pending.length > 0; attempt++) {
    const result = await documentClient.send(
      new BatchGetCommand({
        RequestItems: { [tableName()]: { Keys: pending, ConsistentRead: true } },
      }),
    );
    for (const item of result.Responses?.[tableName()] ?? []) {
      found.set(`${item.pk}\u0000${item.sk}`, item);
    }
    pending = result.UnprocessedKeys?.[tableName()]?.Keys ?? [];
    if (pending.length === 0) break;
    if (attempt >= 5) throw new Error("BatchGetItem left keys unprocessed");
    await new Promise((resolve) => setTimeout(resolve, 25 * 2 ** attempt));
  }
  const [main, ...rest] = keys.map((key) => found.get(`${key.pk}\u0000${key.sk}`));
  return { record: main ? toRecord<R>(main) : undefined, companions: rest };
};

/** Whether an item exists: a GetItem that reads only the key. */
export const itemExists = async (key: ItemKey): Promise<boolean> => {
  const { Item } = await documentClient.send(
    new GetCommand({ TableName: tableName(), Key: key, ProjectionExpression: "pk" }),
  );
  return Item !== undefined;
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
    ...creationWrites(model, record, options).map((write) => write.described),
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
  await transact([
    ...replacementWrites(model, before, after, options).map((write) => write.described),
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
            ...(model.retainOnDelete ? { retained: model.retainOnDelete(record) } : {}),
          }),
        },
      },
      target: null,
    },
    ...model.facets(record).map(deleteFacet),
    ...extras(extra),
  ]);
};

/**
 * A range of sort keys: a timeline between two dates. `between` is DynamoDB's BETWEEN, inclusive
 * at both ends; a sort key that extends a bound (`<time>#<id>` against a bare `<time>`) sorts
 * after it, so such a list excludes the items of the upper bound's own time.
 */
export type SortRange =
  | { readonly atLeast: string }
  | { readonly lessThan: string }
  | { readonly between: readonly [string, string] };

const rangeCondition = (range: SortRange) =>
  "atLeast" in range
    ? { expression: " AND #sk >= :sort", values: { ":sort": range.atLeast } }
    : "lessThan" in range
      ? { expression: " AND #sk < :sort", values: { ":sort": range.lessThan } }
      : {
          expression: " AND #sk BETWEEN :sort AND :sortEnd",
          values: { ":sort": range.between[0], ":sortEnd": range.between[1] },
        };

export interface ListQuery {
  /** The GSI to query; the table's own key when absent. */
  readonly index?: IndexName;
  readonly partition: string;
  readonly sortBeginsWith?: string;
  /**
   * Only items whose sort key is below this (exclusive): "due before now". Not part of the
   * cursor's scope, since such a bound (now) moves between pages; not with `sortBeginsWith`.
   */
  readonly sortBefore?: string;
  /** Only items whose sort key is in this range; part of the cursor's scope. Alone. */
  readonly sortRange?: SortRange;
  readonly limit: number;
  readonly cursor: string | undefined;
  readonly newestFirst?: boolean;
}

/** One Query per page, whatever the size of the table. */
export const listRecords = async <R>(query: ListQuery): Promise<Page<R>> => {
  const pkAttribute = query.index ? `${query.index}pk` : "pk";
  const skAttribute = query.index ? `${query.index}sk` : "sk";
  const scope = [
    query.index ?? "table",
    query.partition,
    query.sortBeginsWith ?? "",
    // A cursor of one range must not resume another (a wider one would skip items silently).
    ...(query.sortRange ? [JSON.stringify(query.sortRange)] : []),
  ].join("|");
  const exclusiveStartKey = decodeCursor(query.cursor, scope, {
    attribute: pkAttribute,
    value: query.partition,
  });
  const bounds = [query.sortBeginsWith, query.sortBefore, query.sortRange];
  if (bounds.filter((bound) => bound !== undefined).length > 1) {
    throw new Error("A list takes one of sortBeginsWith, sortBefore and sortRange");
  }
  // `sortBefore` is the `lessThan` range, only kept out of the cursor's scope (see `ListQuery`).
  const range: SortRange | undefined =
    query.sortBefore !== undefined ? { lessThan: query.sortBefore } : query.sortRange;
  const sortCondition =
    query.sortBeginsWith !== undefined
      ? {
          expression: " AND begins_with(#sk, :sort)",
          values: { ":sort": query.sortBeginsWith },
        }
      : range !== undefined
        ? rangeCondition(range)
        : undefined;
  const result = await documentClient.send(
    new QueryCommand({
      TableName: tableName(),
      ...(query.index ? { IndexName: query.index } : {}),
      KeyConditionExpression: `#pk = :pk${sortCondition?.expression ?? ""}`,
      ExpressionAttributeNames: {
        "#pk": pkAttribute,
        ...(sortCondition ? { "#sk": skAttribute } : {}),
      },
      ExpressionAttributeValues: {
        ":pk": query.partition,
        ...sortCondition?.values,
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
  // A Query also stops at 1 MB of items: then the page is shorter and resumes where it stopped.
  const resumeKey =
    items.length > query.limit && last
      ? (Object.fromEntries(keyAttributes.map((a) => [a, last[a]])) as Record<string, string>)
      : (result.LastEvaluatedKey as Record<string, string> | undefined);
  return {
    data: pageItems.map((item) => toRecord<R>(item)),
    nextCursor: encodeCursor(resumeKey, scope),
  };
};

/**
 * The items `createRecord` writes, as extra items of a transaction that another write owns, so
 * that one operation creates several records all or nothing (lead conversion creates a contact,
 * a company and a deal in the lead's own transaction). A refusal names `label` (the record
 * exists already) or `<label>:<facet name>` (another record holds a unique facet).
 */
export const creationItems = <R extends VersionedRecord>(
  model: RecordModel<R>,
  record: R,
  label: string,
): ExtraItem[] => labelled(creationWrites(model, record), label);

/**
 * The items `replaceRecord` writes, as extra items of a transaction that another write owns. A
 * refusal names `label` (the record changed since `before` was read) or `<label>:<facet name>`.
 */
export const replacementItems = <R extends VersionedRecord>(
  model: RecordModel<R>,
  before: R,
  after: R,
  label: string,
): ExtraItem[] => labelled(replacementWrites(model, before, after), label);
