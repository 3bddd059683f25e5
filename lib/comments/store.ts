import {
  COMMENT_ENTITY_TYPE,
  commentKey,
  MENTION_ENTITY_TYPE,
  mentionKey,
  replyCounterKey,
} from "#lib/comments/keys";
import type { Comment, Mention } from "#lib/comments/schema";
import { tableName } from "#lib/db/client";
import type { ExtraItem } from "#lib/db/record-store";

/**
 * The items that move with a comment in its transaction, besides the comment itself: the
 * thread root's existence, its reply counter, and one mention item per notified user.
 */
export const PARENT_EXISTS = "comment-parent";
export const REPLY_COUNTER = "comment-replies";
const REPLY_COUNTER_TYPE = `${COMMENT_ENTITY_TYPE}-replies`;

/** A reply needs its root when it commits: a root deleted meanwhile fails the transaction. */
export const threadRootExists = (rootId: string): ExtraItem => ({
  label: PARENT_EXISTS,
  item: {
    ConditionCheck: {
      TableName: tableName(),
      Key: commentKey(rootId),
      ConditionExpression: "attribute_exists(pk)",
    },
  },
});

export const countReplies = (rootId: string, delta: 1 | -1): ExtraItem => ({
  label: REPLY_COUNTER,
  item: {
    Update: {
      TableName: tableName(),
      Key: replyCounterKey(rootId),
      UpdateExpression: "SET entityType = :type ADD replyCount :delta",
      ExpressionAttributeValues: { ":type": REPLY_COUNTER_TYPE, ":delta": delta },
    },
  },
});

/** Removes a root's counter, refused while the root has replies (the root is then kept). */
export const removeReplyCounterIfNoReplies = (rootId: string): ExtraItem => ({
  label: REPLY_COUNTER,
  item: {
    Delete: {
      TableName: tableName(),
      Key: replyCounterKey(rootId),
      ConditionExpression: "attribute_not_exists(pk) OR replyCount <= :none",
      ExpressionAttributeValues: { ":none": 0 },
    },
  },
});

/**
 * One user's mention: a record of its own (entity `mention`, version 1), so the stream publisher
 * announces it as `mention.created`, in the same transaction as the comment that makes it.
 */
export const putMention = (mention: Mention): ExtraItem => ({
  label: `mention:${mention.mentionedUserId}`,
  item: {
    Put: {
      TableName: tableName(),
      Item: {
        ...mentionKey(mention.mentionedUserId, mention.createdAt, mention.commentId),
        entityType: MENTION_ENTITY_TYPE,
        ...mention,
      },
      ConditionExpression: "attribute_not_exists(pk)",
    },
  },
});

/** The mention items of a comment, deleted with its body: an excerpt must not outlive it. */
export const deleteMentions = (comment: Comment): ExtraItem[] =>
  comment.mentions.map(({ userId, mentionedAt }) => ({
    label: `mention:${userId}`,
    item: {
      Delete: { TableName: tableName(), Key: mentionKey(userId, mentionedAt, comment.id) },
    },
  }));
