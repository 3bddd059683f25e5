import * as z from "zod/mini";
import { LINKABLE_ENTITY_NAMES } from "#lib/linked-records/registry";
import { idOf, isoDateTime, pageQuery, recordMeta, userId } from "#lib/records/common-schema";

/**
 * Comments: threaded notes on any linkable record (`/contacts/{id}/comments`, …), one level deep:
 * a root comment and its replies. `@user` mentions in a body notify those users through
 * `mention.created` (see `lib/comments/mentions.ts` for the syntax).
 */
export const MAX_BODY_LENGTH = 10_000;
/**
 * Distinct users one comment may notify, over all its versions. It bounds the transaction that
 * writes a comment with one mention item per user, and the one that deletes them with it.
 */
export const MAX_MENTIONS = 20;

export const commentId = idOf("cmt");
export const mentionId = idOf("mnt");

/** Markdown-ish plain text: any characters but control ones (tab and line breaks are fine). */
const body = z
  .string()
  .check(
    z.trim(),
    z.minLength(1),
    z.maxLength(MAX_BODY_LENGTH),
    z.regex(/^(?:[\t\n\r]|\P{Cc})*$/u, "A comment has no control characters but tabs and newlines"),
  );

export const createCommentBody = z.strictObject({
  body,
  /** The comment replied to, on the same record; a reply to a reply joins its root's thread. */
  parentId: z.optional(commentId),
});

export const updateCommentBody = z.strictObject({ body });

export const commentParams = z.strictObject({ commentId });
export const listCommentsQuery = z.strictObject({ ...pageQuery });
export const listMentionsQuery = z.strictObject({ ...pageQuery });

/** The record a comment is on. */
export const commentedRecord = z.object({
  entity: z.enum(LINKABLE_ENTITY_NAMES),
  id: z.string(),
});

export const commentMention = z.object({
  userId,
  /** When the version of the comment that first mentioned the user was saved. */
  mentionedAt: isoDateTime,
});

export const commentSchema = z.object({
  id: commentId,
  record: commentedRecord,
  /** Set on replies: the root comment of the thread. */
  parentId: z.optional(commentId),
  /** Absent once the comment is deleted. */
  body: z.optional(z.string()),
  /**
   * Everyone this comment notified, each once, including users whose mention a later edit
   * removed. Cleared when the comment is deleted.
   */
  mentions: z.array(commentMention),
  /** When the body was last edited; absent on a comment never edited. */
  editedAt: z.optional(isoDateTime),
  /** Set on a deleted root comment kept as a placeholder because it has replies. */
  deletedAt: z.optional(isoDateTime),
  deletedBy: z.optional(userId),
  ...recordMeta,
});

/** One user mentioned in one comment: the notification, as `mention.created` carries it. */
export const mentionSchema = z.object({
  id: mentionId,
  /** Who is mentioned. */
  mentionedUserId: userId,
  /** Who wrote the mention: the comment's author. */
  mentionedBy: userId,
  commentId,
  /** The record the comment is on. */
  record: commentedRecord,
  /** About 200 characters of the comment around the mention, whitespace folded. */
  excerpt: z.string(),
  ...recordMeta,
});

export type Comment = z.infer<typeof commentSchema>;
export type Mention = z.infer<typeof mentionSchema>;
export type CreateComment = z.output<typeof createCommentBody>;
export type UpdateComment = z.output<typeof updateCommentBody>;
export type PageRequest = z.output<typeof listCommentsQuery>;
