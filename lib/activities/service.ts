import { activityModel } from "#lib/activities/keys";
import { patchActivity } from "#lib/activities/patch";
import type {
  Activity,
  CreateActivity,
  TimelineQuery,
  UpdateActivity,
} from "#lib/activities/schema";
import { timelinePlan } from "#lib/activities/timeline";
import type { Principal } from "#lib/auth/principal";
import {
  createRecord,
  creationItems,
  type ExtraItem,
  getRecord,
  listRecords,
  WriteConflict,
} from "#lib/db/record-store";
import { DomainError, notFound } from "#lib/errors/domain-error";
import type { Page } from "#lib/http/response";
import {
  addedLinks,
  explainMissingLinks,
  type LinkableEntityName,
  linkedRecordExists,
  linkedRecordFound,
  type RecordRef,
} from "#lib/linked-records/registry";
import { canonicalInstant } from "#lib/records/common-schema";
import { newId } from "#lib/records/ids";
import { mutateRecord, removeRecord, stamp } from "#lib/records/mutate";

const MISSING_LINKS = "activity.linked_record_not_found";

export interface ActivityOrigin {
  readonly source: string;
  readonly externalId: string;
}

export interface CreateActivityOptions {
  /**
   * The id to create the activity under, derived by the caller from what names the interaction
   * (`lib/interactions`): a second create with the same id and origin returns the first.
   */
  readonly id?: string;
  /** The integration the activity came from, and that system's id for the interaction. */
  readonly origin?: ActivityOrigin;
  /**
   * A ticket's reply (lib/tickets): whether the requester saw it, and for a public one whether it
   * went to (`outbound`) or came from (`inbound`) them. Notes carry no direction of their own.
   */
  readonly visibility?: "public" | "internal";
  readonly direction?: "inbound" | "outbound";
}

const newActivity = (
  input: CreateActivity,
  actor: Principal,
  options: CreateActivityOptions,
): Activity => {
  const now = new Date().toISOString();
  return {
    ...input,
    occurredAt: canonicalInstant(input.occurredAt),
    ownerId: input.ownerId ?? actor.userId,
    id: options.id ?? newId("act"),
    ...(options.origin ? { origin: { ...options.origin } } : {}),
    ...(options.visibility ? { visibility: options.visibility } : {}),
    ...(options.direction ? { direction: options.direction } : {}),
    version: 1,
    createdAt: now,
    updatedAt: now,
    createdBy: actor.userId,
    updatedBy: actor.userId,
  };
};

/**
 * For a capability that logs an activity in its own transaction (a ticket reply, written with
 * the ticket): the activity and the items that create it with its timeline copies, checking
 * that every linked record exists except `writtenByCaller`, the record the caller's transaction
 * writes itself (one transaction may touch an item only once). Nothing is written; a missing
 * linked record fails the transaction with a `WriteConflict` that `explainMissingLinks` reads.
 */
export const activityCreation = (
  input: CreateActivity,
  actor: Principal,
  options: CreateActivityOptions & { readonly writtenByCaller: RecordRef },
): { readonly activity: Activity; readonly items: readonly ExtraItem[] } => {
  const activity = newActivity(input, actor, options);
  const checked = input.links.filter(
    (link) =>
      link.entity !== options.writtenByCaller.entity || link.id !== options.writtenByCaller.id,
  );
  return {
    activity,
    items: [
      ...creationItems(activityModel, activity, "activity"),
      ...checked.map(linkedRecordExists),
    ],
  };
};

const sameOrigin = (a: ActivityOrigin | undefined, b: ActivityOrigin | undefined) =>
  a?.source === b?.source && a?.externalId === b?.externalId;

/**
 * Creates an activity and its copy on the timeline of every linked record, in one transaction
 * that also checks that each linked record exists (a 422 naming the missing ones otherwise).
 * The owner is the creator unless the input names one.
 *
 * With `options.id`, a redelivery is a no-op: when an activity with that id already exists with
 * the same origin, it is returned as it is now (a 409 if the id holds another activity).
 */
export const createActivity = async (
  input: CreateActivity,
  actor: Principal,
  options: CreateActivityOptions = {},
): Promise<Activity> => {
  const activity = newActivity(input, actor, options);
  try {
    await createRecord(activityModel, activity, input.links.map(linkedRecordExists));
    return activity;
  } catch (error) {
    const idTaken =
      options.id !== undefined &&
      error instanceof WriteConflict &&
      error.targets.some((target) => target.kind === "record");
    if (!idTaken) return explainMissingLinks(MISSING_LINKS)(error);
    const existing = await getRecord(activityModel, activity.id);
    // Deleted between the refused write and this read: the caller's retry creates it again.
    if (!existing) throw error;
    if (sameOrigin(existing.origin, options.origin)) return existing;
    throw new DomainError(
      "conflict",
      "activity.id_taken",
      `The id ${activity.id} belongs to another activity.`,
      { id: activity.id },
    );
  }
};

export const getActivity = async (id: string): Promise<Activity> =>
  (await getRecord(activityModel, id)) ?? Promise.reject(notFound("activity", id));

/**
 * Changes some fields of an activity; its timeline copies move with it in the same transaction
 * (a link removed takes the copy off that record's timeline). Only the links the change adds
 * are checked for existence: a record deleted since it was linked does not block other edits.
 */
export const updateActivity = (
  id: string,
  patch: UpdateActivity,
  expectedVersion: number | undefined,
  actor: Principal,
): Promise<Activity> =>
  mutateRecord(activityModel, id, expectedVersion, (before) => ({
    after: stamp(patchActivity(before, patch), actor.userId),
    extra: addedLinks(before.links, patch.links ?? []).map(linkedRecordExists),
  })).catch(explainMissingLinks(MISSING_LINKS));

/** Deletes an activity and its timeline copies; its tombstone keeps the links for the event. */
export const deleteActivity = async (
  id: string,
  expectedVersion: number | undefined,
  actor: Principal,
): Promise<void> => {
  await removeRecord(activityModel, id, expectedVersion, actor.userId);
};

/**
 * A page of a record's timeline, newest first: one Query, whatever the filters. A record that
 * does not exist is a 404; telling costs a GetItem only when the first page is empty, so a
 * timeline with activities is answered in the one Query. A deleted record whose activities still
 * link to it keeps its timeline until those activities are changed or deleted.
 */
export const getTimeline = async (
  entity: LinkableEntityName,
  id: string,
  query: TimelineQuery,
): Promise<Page<Activity>> => {
  const page = await listRecords<Activity>(timelinePlan(entity, id, query));
  if (page.data.length === 0 && query.cursor === undefined) {
    if (!(await linkedRecordFound({ entity, id }))) throw notFound(entity, id);
  }
  return page;
};
