import type { Principal } from "#lib/auth/principal";
import { commentModel, mentionsPartition, threadPartition } from "#lib/comments/keys";
import { excerptAround, findMentions, type MentionMatch } from "#lib/comments/mentions";
import {
  type Comment,
  type CreateComment,
  MAX_MENTIONS,
  type Mention,
  type PageRequest,
  type UpdateComment,
} from "#lib/comments/schema";
import {
  countReplies,
  deleteMentions,
  PARENT_EXISTS,
  putMention,
  REPLY_COUNTER,
  removeReplyCounterIfNoReplies,
  threadRootExists,
} from "#lib/comments/store";
import {
  createRecord,
  deleteRecord,
  getRecord,
  listRecords,
  replaceRecord,
  WriteConflict,
} from "#lib/db/record-store";
import { DomainError, notFound, versionMismatch } from "#lib/errors/domain-error";
import type { Page } from "#lib/http/response";
import {
  linkedRecordExists,
  linkedRecordFound,
  type RecordRef,
} from "#lib/linked-records/registry";
import { DEFAULT_PAGE_SIZE } from "#lib/records/common-schema";
import { newId } from "#lib/records/ids";
import { mutateRecord, stamp } from "#lib/records/mutate";

const parentNotFound = (parentId: string) =>
  new DomainError(
    "unprocessable",
    "comment.parent_not_found",
    `The comment ${parentId} replied to does not exist.`,
    { parentId },
    [{ path: "body.parentId", message: "No such comment" }],
  );

const wasDeleted = (id: string) =>
  new DomainError(
    "conflict",
    "comment.deleted",
    `The comment ${id} was deleted; it can no longer be changed.`,
    { id },
  );

const isLostRace = (error: unknown) =>
  error instanceof WriteConflict && error.targets.some((t) => t.kind === "record");

const refusedBy = (error: unknown, label: string) =>
  error instanceof WriteConflict &&
  error.targets.some((t) => t.kind === "extra" && t.label === label);

/**
 * The users a body notifies that `notified` does not hold yet, leaving out the author (nobody is
 * notified of their own mention). Refuses a comment that would notify more than MAX_MENTIONS
 * users over its life: each one is an item in the comment's transaction.
 */
const newMentionsOf = (
  body: string,
  notified: readonly string[],
  author: string,
): MentionMatch[] => {
  const known = new Set(notified);
  const fresh = findMentions(body).filter((m) => m.userId !== author && !known.has(m.userId));
  if (known.size + fresh.length > MAX_MENTIONS) {
    throw new DomainError(
      "unprocessable",
      "comment.too_many_mentions",
      `A comment may mention at most ${MAX_MENTIONS} users; this one would mention ${known.size + fresh.length}.`,
      { limit: MAX_MENTIONS },
      [{ path: "body.body", message: `At most ${MAX_MENTIONS} users can be mentioned` }],
    );
  }
  return fresh;
};

const mentionsOf = (
  comment: Comment,
  body: string,
  fresh: readonly MentionMatch[],
  at: string,
  actor: string,
): Mention[] =>
  fresh.map((match) => ({
    id: newId("mnt"),
    mentionedUserId: match.userId,
    mentionedBy: actor,
    commentId: comment.id,
    record: comment.record,
    excerpt: excerptAround(body, match.index),
    version: 1,
    createdAt: at,
    updatedAt: at,
    createdBy: actor,
    updatedBy: actor,
  }));

/**
 * The root of the thread a reply to `parentId` joins: the parent itself, or the parent's root
 * when the parent is a reply (threads are one level deep). The parent must be on the same record.
 */
const threadRootOf = async (parentId: string, record: RecordRef): Promise<string> => {
  const parent = await getRecord(commentModel, parentId);
  if (!parent) throw parentNotFound(parentId);
  if (parent.record.entity !== record.entity || parent.record.id !== record.id) {
    throw new DomainError(
      "unprocessable",
      "comment.parent_on_other_record",
      `The comment ${parentId} is on ${parent.record.entity} ${parent.record.id}, not on this record.`,
      { parentId },
      [{ path: "body.parentId", message: "The comment is on another record" }],
    );
  }
  return parent.parentId ?? parent.id;
};

/**
 * Comments on a record. One transaction writes the comment, checks that the record (and for a
 * reply, the thread's root) still exists, counts the reply on its root, and writes a mention item
 * per mentioned user, from which the stream publisher emits `mention.created`.
 */
export const createComment = async (
  record: RecordRef,
  input: CreateComment,
  actor: Principal,
): Promise<Comment> => {
  const rootId =
    input.parentId === undefined ? undefined : await threadRootOf(input.parentId, record);
  const fresh = newMentionsOf(input.body, [], actor.userId);
  const now = new Date().toISOString();
  const comment: Comment = {
    id: newId("cmt"),
    record: { entity: record.entity, id: record.id },
    ...(rootId === undefined ? {} : { parentId: rootId }),
    body: input.body,
    mentions: fresh.map((m) => ({ userId: m.userId, mentionedAt: now })),
    version: 1,
    createdAt: now,
    updatedAt: now,
    createdBy: actor.userId,
    updatedBy: actor.userId,
  };
  const recordCheck = linkedRecordExists(record);
  try {
    await createRecord(commentModel, comment, [
      recordCheck,
      ...(rootId === undefined ? [] : [threadRootExists(rootId), countReplies(rootId, 1)]),
      ...mentionsOf(comment, input.body, fresh, now, actor.userId).map(putMention),
    ]);
  } catch (error) {
    if (refusedBy(error, recordCheck.label)) throw notFound(record.entity, record.id);
    if (rootId !== undefined && refusedBy(error, PARENT_EXISTS)) {
      throw parentNotFound(input.parentId ?? rootId);
    }
    throw error;
  }
  return comment;
};

/**
 * A page of a record's comments, whole threads in order (each root, oldest first, followed by its
 * replies, oldest first): one Query. Only an empty first page pays a GetItem, to answer 404 for
 * a record that does not exist rather than an empty page.
 */
export const listComments = async (
  record: RecordRef,
  query: PageRequest,
): Promise<Page<Comment>> => {
  const page = await listRecords<Comment>({
    index: "gsi1",
    partition: threadPartition(record),
    limit: query.limit ?? DEFAULT_PAGE_SIZE,
    cursor: query.cursor,
  });
  if (page.data.length === 0 && query.cursor === undefined && !(await linkedRecordFound(record))) {
    throw notFound(record.entity, record.id);
  }
  return page;
};

export const getComment = async (id: string): Promise<Comment> =>
  (await getRecord(commentModel, id)) ?? Promise.reject(notFound("comment", id));

/**
 * Edits a comment's body: its author only. Users the new body mentions for the first time get a
 * mention item in the same transaction; users this comment already notified are not notified again.
 */
export const updateComment = (
  id: string,
  input: UpdateComment,
  expectedVersion: number | undefined,
  actor: Principal,
): Promise<Comment> =>
  mutateRecord(commentModel, id, expectedVersion, (before) => {
    if (before.deletedAt !== undefined) throw wasDeleted(id);
    if (before.createdBy !== actor.userId) {
      throw new DomainError(
        "forbidden",
        "comment.not_author",
        "Only the author of a comment can edit it.",
        { id },
      );
    }
    const fresh = newMentionsOf(
      input.body,
      before.mentions.map((m) => m.userId),
      actor.userId,
    );
    const now = new Date();
    const at = now.toISOString();
    const after = stamp(
      {
        ...before,
        body: input.body,
        editedAt: at,
        mentions: [
          ...before.mentions,
          ...fresh.map((m) => ({ userId: m.userId, mentionedAt: at })),
        ],
      },
      actor.userId,
      now,
    );
    return { after, extra: mentionsOf(after, input.body, fresh, at, actor.userId).map(putMention) };
  });

const ATTEMPTS = 3;

/**
 * Deletes a comment: its author, or an admin. A reply, or a root without replies, is removed
 * outright (`comment.deleted` with `data: null`). A root with replies keeps its thread: it stays
 * as a placeholder without its body, with `deletedAt` and `deletedBy` (`comment.deleted` carrying
 * the placeholder), so the replies keep their context. Which of the two happens is decided by the
 * transaction itself (the root's reply counter is its condition), so a reply posted meanwhile is
 * never orphaned. Either way the comment's mention items go with its body.
 */
export const deleteComment = async (
  id: string,
  expectedVersion: number | undefined,
  actor: Principal,
): Promise<void> => {
  for (let attempt = 1; ; attempt++) {
    const comment = await getRecord(commentModel, id);
    if (!comment) throw notFound("comment", id);
    if (expectedVersion !== undefined && comment.version !== expectedVersion) {
      throw versionMismatch("comment", id, expectedVersion, comment.version);
    }
    if (comment.deletedAt !== undefined) throw wasDeleted(id);
    if (comment.createdBy !== actor.userId && !actor.roles.includes("admin")) {
      throw new DomainError(
        "forbidden",
        "comment.not_author",
        "Only the author of a comment or an admin can delete it.",
        { id },
      );
    }
    try {
      await removeComment(comment, actor.userId);
      return;
    } catch (error) {
      if (!isLostRace(error) || attempt >= ATTEMPTS) throw error;
    }
  }
};

const removeComment = async (comment: Comment, actor: string): Promise<void> => {
  const mentions = deleteMentions(comment);
  if (comment.parentId !== undefined) {
    await deleteRecord(commentModel, comment, actor, [
      countReplies(comment.parentId, -1),
      ...mentions,
    ]);
    return;
  }
  try {
    await deleteRecord(commentModel, comment, actor, [
      removeReplyCounterIfNoReplies(comment.id),
      ...mentions,
    ]);
  } catch (error) {
    if (!refusedBy(error, REPLY_COUNTER) || isLostRace(error)) throw error;
    const now = new Date();
    const { body: _removed, ...kept } = comment;
    const placeholder = stamp(
      { ...kept, mentions: [], deletedAt: now.toISOString(), deletedBy: actor },
      actor,
      now,
    );
    await replaceRecord(commentModel, comment, placeholder, mentions, { changeVerb: "deleted" });
  }
};

/** The caller's mentions, newest first: one Query on their own partition. */
export const listMyMentions = (actor: Principal, query: PageRequest): Promise<Page<Mention>> =>
  listRecords<Mention>({
    partition: mentionsPartition(actor.userId),
    limit: query.limit ?? DEFAULT_PAGE_SIZE,
    cursor: query.cursor,
    newestFirst: true,
  });
