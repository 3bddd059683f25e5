import type { Comment } from "#lib/comments/schema";
import type { IndexKeys, ItemKey, RecordModel } from "#lib/db/record-store";
import type { RecordRef } from "#lib/linked-records/registry";

/**
 * Every key format of comments and mentions, in one place. See docs/data-model.md.
 *
 * | item          | pk                       | sk                        | gsi1 (pk / sk)                                         |
 * |---------------|--------------------------|---------------------------|--------------------------------------------------------|
 * | comment       | comment#<id>             | comment                   | comments#<entity>#<recordId> / <rootId>[#<replyId>]     |
 * | reply counter | comment#<rootId>         | replies                   |                                                        |
 * | mention       | mentions#<userId>        | <mentionedAt>#<commentId> |                                                        |
 *
 * - A comment's main item is keyed by its id alone, so `PATCH /comments/{id}` reads it with one
 *   GetItem; its gsi1 keys place it in its record's thread list.
 * - Thread order: a root's gsi1 sort key is its id, a reply's is `<rootId>#<replyId>`. Ids are
 *   ULIDs of one length, which sort by creation time (to the millisecond, then by id), and `#`
 *   sorts before every id character. So one Query returns each root followed by its replies,
 *   oldest first, and the roots oldest first: whole threads in order, page after page. The ids
 *   stand for `<createdAt>#<id>`, which would sort the same and is longer.
 * - The reply counter is apart from the root's main item because record writes replace the whole
 *   item: a reply's counter increment must never be undone by an edit of the root. Deleting a
 *   root is conditioned on it (none: removed outright; some: kept as a placeholder).
 * - Mentions are one partition per mentioned user, newest first by reading it backwards. The
 *   comment keeps `mentions[].mentionedAt`, so deleting a comment can delete its mention items.
 */
export const COMMENT_ENTITY_TYPE = "comment";
export const MENTION_ENTITY_TYPE = "mention";

export const commentKey = (id: string): ItemKey => ({ pk: `comment#${id}`, sk: "comment" });
export const replyCounterKey = (rootId: string): ItemKey => ({
  pk: `comment#${rootId}`,
  sk: "replies",
});

export const threadPartition = (record: RecordRef) => `comments#${record.entity}#${record.id}`;

/** Where a comment sorts among its record's comments: after its root, in creation order. */
export const threadSortKey = (comment: Pick<Comment, "id" | "parentId">) =>
  comment.parentId === undefined ? comment.id : `${comment.parentId}#${comment.id}`;

export const mentionsPartition = (userId: string) => `mentions#${userId}`;
export const mentionKey = (userId: string, mentionedAt: string, commentId: string): ItemKey => ({
  pk: mentionsPartition(userId),
  sk: `${mentionedAt}#${commentId}`,
});

export const commentModel: RecordModel<Comment> = {
  type: COMMENT_ENTITY_TYPE,
  key: commentKey,
  index: (comment): IndexKeys => ({
    gsi1pk: threadPartition(comment.record),
    gsi1sk: threadSortKey(comment),
  }),
  facets: () => [],
};
