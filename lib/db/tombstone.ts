/**
 * A deletion leaves a small tombstone, put in the same transaction that deletes the record: the
 * stream's REMOVE of the record itself cannot say who deleted it, the tombstone can. The stream
 * publisher turns the tombstone's INSERT (or MODIFY, when a key is deleted a second time) into
 * `<entity>.deleted`; the REMOVE of the record, and the tombstone's own expiry, announce nothing.
 *
 * Tombstones live in a partition of their own (`tombstone#<record pk>`, with the record's sort
 * key), never in the record's partition: a Query that reads a partition of records (all custom
 * field definitions of an entity, for instance) must not meet them.
 */
/** A table key; structural so that this module loads no DynamoDB client (the publisher reads it). */
interface ItemKey {
  readonly pk: string;
  readonly sk: string;
}

export const TOMBSTONE_PREFIX = "tombstone#";

/** Kept a few days: long enough for the stream (24 h) and any replay of the publisher. */
export const TOMBSTONE_TTL_SECONDS = 3 * 24 * 60 * 60;

export interface Tombstone {
  /** The deleted record's `entityType` (`contact`, `custom-field`). */
  readonly entityType: string;
  /** The record's id as the events name it. */
  readonly id: string;
  /** The version the record had when it was deleted. */
  readonly version: number;
  readonly deletedBy: string;
  readonly deletedAt: string;
  /** Fields of the record its model keeps for the deletion event (`RecordModel.retainOnDelete`). */
  readonly retained?: Readonly<Record<string, unknown>>;
}

export const tombstoneKey = (recordKey: ItemKey): ItemKey => ({
  pk: `${TOMBSTONE_PREFIX}${recordKey.pk}`,
  sk: recordKey.sk,
});

export const isTombstoneKey = (pk: unknown): boolean =>
  typeof pk === "string" && pk.startsWith(TOMBSTONE_PREFIX);

/** The tombstone item, ready for a transaction's Put. */
export const tombstoneItem = (
  recordKey: ItemKey,
  tombstone: Omit<Tombstone, "deletedAt">,
  now = new Date(),
): Record<string, unknown> => ({
  ...tombstoneKey(recordKey),
  entityType: tombstone.entityType,
  id: tombstone.id,
  version: tombstone.version,
  deletedBy: tombstone.deletedBy,
  deletedAt: now.toISOString(),
  ...(tombstone.retained ? { retained: tombstone.retained } : {}),
  ttl: Math.floor(now.getTime() / 1000) + TOMBSTONE_TTL_SECONDS,
});
