/**
 * `@user` mentions in a comment's body.
 *
 * The syntax, precisely:
 * - A mention is `@` followed by a user id: 1 to 64 characters of `A-Z a-z 0-9 _ . -` that start
 *   and end with a letter, a digit or `_`. So `@bob.smith` names `bob.smith`, and the full stop
 *   of "thanks @bob." or the hyphen of "@bob-" ends the sentence, not the id. Ids are compared
 *   exactly (case-sensitive), as the token's `sub` is.
 * - The `@` must start the body or follow a character that cannot be part of an email address's
 *   local part: not a letter, digit or mark of any script, nor one of ``! # $ % & ' * + - / = ? ^
 *   _ ` { | } ~ .``, nor `@` or `\`. So `a@b.com`, `first.last@b.com` and `x+tag@b.com` mention
 *   no one, `\@bob` is an escaped at sign, and `(@bob)`, `"@bob"`, `cc:@bob` or `@bob,` mention bob.
 * - The id must not run on: a mention followed by `@` (`@bob@example.com`, an address rather
 *   than a user) or by more id characters than the 64 allowed is no mention at all.
 * - Text inside code is not scanned: inline code spans (`` `@decorator` ``) and fenced blocks
 *   (```` ``` ```` to ```` ``` ````, or to the end of the body when unclosed).
 * - Each user counts once, in order of first appearance.
 *
 * The CRM has no user directory (users live in the identity provider), so any id of this shape
 * is a mention; whoever consumes `mention.created` decides what an unknown id means.
 */
export const MAX_MENTIONED_USER_ID_LENGTH = 64;

const ID_CHAR = "A-Za-z0-9._\\-";
const ID_EDGE = "A-Za-z0-9_";
/** Local-part characters of an email address (RFC 5322 atext and the dot), `@` and `\`. */
const NOT_BEFORE = "\\p{L}\\p{N}\\p{M}!#$%&'*+\\-/=?^_`{|}~.@\\\\";
/** Stands in for code; no body contains it (control characters are refused). */
const MASK = "\u0000";

const MENTION = new RegExp(
  `(?<![${NOT_BEFORE}${MASK}])@([${ID_EDGE}](?:[${ID_CHAR}]{0,${MAX_MENTIONED_USER_ID_LENGTH - 2}}[${ID_EDGE}])?)(?![${ID_EDGE}@]|[.\\-]+[${ID_EDGE}])`,
  "gu",
);

/** Fenced blocks first (they may hold backticks), then inline spans on one line. */
const CODE = /```[\s\S]*?(?:```|$)|`[^`\n]*`/g;

/** The body with code replaced, character for character, by MASK: positions stay valid. */
const withoutCode = (body: string): string =>
  body.replace(CODE, (code) => MASK.repeat(code.length));

export interface MentionMatch {
  readonly userId: string;
  /** Where its first mention starts (the `@`), in UTF-16 code units of the body. */
  readonly index: number;
}

/** Every user the body mentions, once each, in order of first mention. */
export const findMentions = (body: string): MentionMatch[] => {
  const seen = new Map<string, number>();
  for (const match of withoutCode(body).matchAll(MENTION)) {
    const userId = match[1];
    if (userId !== undefined && !seen.has(userId)) seen.set(userId, match.index);
  }
  return [...seen].map(([userId, index]) => ({ userId, index }));
};

export const mentionedUserIds = (body: string): string[] =>
  findMentions(body).map((mention) => mention.userId);

export const EXCERPT_LENGTH = 200;
/** How much of the text before the mention the excerpt keeps, when it cannot show everything. */
const LEAD = 60;

/**
 * A short excerpt for a notification: the body with its whitespace folded, whole when it is
 * short, else a window of 200 characters that starts a little before the mention at `index`
 * (so the reader sees who is addressed and why), with `…` where text was cut. It is cut on code
 * points, so no emoji is split in half.
 */
export const excerptAround = (body: string, index: number): string => {
  const fold = (text: string) => text.replace(/\s+/gu, " ");
  // Folding is local and the `@` at `index` is no whitespace, so the folded prefix is a prefix
  // of the folded body: its length is the mention's position there.
  const leading = /^\s/u.test(body) ? 1 : 0;
  const folded = fold(body).slice(leading).trimEnd();
  const points = Array.from(folded);
  if (points.length <= EXCERPT_LENGTH) return folded;
  const at = Array.from(fold(body.slice(0, Math.max(0, index))).slice(leading)).length;
  const end = Math.min(points.length, Math.max(0, at - LEAD) + EXCERPT_LENGTH);
  const start = Math.max(0, end - EXCERPT_LENGTH);
  const shown = points.slice(start, end).join("").trim();
  return `${start > 0 ? "…" : ""}${shown}${end < points.length ? "…" : ""}`;
};
