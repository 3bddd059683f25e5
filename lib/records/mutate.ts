import {
  deleteRecord,
  type ExtraItem,
  getRecord,
  type RecordModel,
  replaceRecord,
  type VersionedRecord,
  WriteConflict,
} from "#lib/db/record-store";
import { notFound, versionMismatch } from "#lib/errors/domain-error";

export interface Mutation<R> {
  readonly after: R;
  readonly extra?: readonly ExtraItem[];
  /** Announce this change as `<entity>.<changeVerb>` instead of `<entity>.updated`. */
  readonly changeVerb?: string;
}

const ATTEMPTS = 3;

/**
 * Read, change, and write a record conditionally on the version that was read.
 *
 * With `If-Match` the client's version must be the current one, or the answer is 412. Without
 * it, a concurrent write between our read and our write is retried on the fresh record (up to
 * three times), so a PATCH of one field never undoes another client's change to another field.
 *
 * `change` returns `null` when the record needs no write as it is (the same status again, a
 * reminder not due any more): nothing is written, no event is announced, and the record is
 * returned as read.
 */
export const mutateRecord = async <R extends VersionedRecord>(
  model: RecordModel<R>,
  id: string,
  expectedVersion: number | undefined,
  change: (before: R) => Mutation<R> | null | Promise<Mutation<R> | null>,
): Promise<R> => {
  for (let attempt = 1; ; attempt++) {
    const before = await getRecord(model, id);
    if (!before) throw notFound(model.type, id);
    if (expectedVersion !== undefined && before.version !== expectedVersion) {
      throw versionMismatch(model.type, id, expectedVersion, before.version);
    }
    const mutation = await change(before);
    if (mutation === null) return before;
    const { after, extra, changeVerb } = mutation;
    try {
      await replaceRecord(model, before, after, extra, changeVerb ? { changeVerb } : {});
      return after;
    } catch (error) {
      const lostRace =
        error instanceof WriteConflict && error.targets.some((t) => t.kind === "record");
      if (!lostRace || attempt >= ATTEMPTS) throw error;
    }
  }
};

/**
 * Deletes a record with the same rules as `mutateRecord`: If-Match must name the current version,
 * and without it a concurrent change is retried on the fresh record. `extra` adds the items that
 * must change with it (counters of related records, for instance). `actor` (the user id) is
 * recorded in the tombstone that announces the deletion. Returns the deleted record.
 */
export const removeRecord = async <R extends VersionedRecord>(
  model: RecordModel<R>,
  id: string,
  expectedVersion: number | undefined,
  actor: string,
  extra: (record: R) => readonly ExtraItem[] = () => [],
): Promise<R> => {
  for (let attempt = 1; ; attempt++) {
    const record = await getRecord(model, id);
    if (!record) throw notFound(model.type, id);
    if (expectedVersion !== undefined && record.version !== expectedVersion) {
      throw versionMismatch(model.type, id, expectedVersion, record.version);
    }
    try {
      await deleteRecord(model, record, actor, extra(record));
      return record;
    } catch (error) {
      const lostRace =
        error instanceof WriteConflict && error.targets.some((t) => t.kind === "record");
      if (!lostRace || attempt >= ATTEMPTS) throw error;
    }
  }
};

/** The record after a change by `actor`: one version up, stamped. */
export const stamp = <R extends VersionedRecord & { updatedAt: string; updatedBy: string }>(
  record: R,
  actor: string,
  now = new Date(),
): R => ({
  ...record,
  version: record.version + 1,
  updatedAt: now.toISOString(),
  updatedBy: actor,
});

/** Applies a PATCH body: `undefined` leaves a field, `null` removes it, anything else sets it. */
export const applyPatch = <R extends object>(
  record: R,
  patch: Readonly<Record<string, unknown>>,
): R => {
  const next = { ...record } as Record<string, unknown>;
  for (const [field, value] of Object.entries(patch)) {
    if (value === undefined) continue;
    if (value === null) delete next[field];
    else next[field] = value;
  }
  return next as R;
};
