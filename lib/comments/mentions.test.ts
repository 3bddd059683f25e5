import { describe, expect, it } from "vitest";
import {
  EXCERPT_LENGTH,
  excerptAround,
  findMentions,
  MAX_MENTIONED_USER_ID_LENGTH,
  mentionedUserIds,
} from "#lib/comments/mentions";

describe("mention syntax", () => {
  it.each([
    ["@alice", ["alice"]],
    ["hi @alice", ["alice"]],
    ["@bob.smith please look", ["bob.smith"]],
    ["thanks @bob.", ["bob"]],
    ["ask @bob.smith.", ["bob.smith"]],
    ["@bob-", ["bob"]],
    ["@bob_", ["bob_"]],
    ["@_ops", ["_ops"]],
    ["@a", ["a"]],
    ["@9lives", ["9lives"]],
    ["@first-last, @x_y and @a.b-c", ["first-last", "x_y", "a.b-c"]],
    ["(@alice)", ["alice"]],
    ['"@alice"', ["alice"]],
    ["[@alice]", ["alice"]],
    ["<@alice>", ["alice"]],
    ["cc:@alice", ["alice"]],
    ["@alice,@bob", ["alice", "bob"]],
    ["@alice!", ["alice"]],
    ["@alice?", ["alice"]],
    ["@alice's idea", ["alice"]],
    ["line one\n@alice on line two", ["alice"]],
    ["tab\t@alice", ["alice"]],
    ["1b2c3d4e-0000-4000-8000-00000000abcd", []],
    [
      "@1b2c3d4e-0000-4000-8000-00000000abcd (a Cognito sub)",
      ["1b2c3d4e-0000-4000-8000-00000000abcd"],
    ],
  ])("%j mentions %j", (body, expected) => {
    expect(mentionedUserIds(body)).toEqual(expected);
  });

  it.each([
    ["a@b.com", "an email address"],
    ["mail first.last@example.com now", "a dotted local part"],
    ["x+tag@example.com", "a plus-addressed email"],
    ["a-b@example.com", "a hyphenated local part"],
    ["a_b@example.com", "an underscored local part"],
    ["o'neil@example.com", "an apostrophe in the local part"],
    ["josé@example.com", "a non-ASCII letter before the @"],
    ["user1@example.com", "a digit before the @"],
    ["@alice@example.com", "a handle followed by a domain"],
    ["@@alice", "a doubled @"],
    ["\\@alice", "an escaped @"],
    ["https://example.com/@alice", "a URL path"],
    ["@", "a lone @"],
    ["@ alice", "a space after the @"],
    ["@.alice", "an id that starts with a dot"],
    ["@-alice", "an id that starts with a hyphen"],
    ["email me at @", "a trailing @"],
    ["`@decorator` in code", "inline code"],
    ["```\n@Component\nclass A {}\n```", "a fenced block"],
    ["```ts\n@Injectable()\n", "an unclosed fenced block"],
    ["@ä", "a non-ASCII id"],
  ])("%j mentions no one (%s)", (body) => {
    expect(mentionedUserIds(body)).toEqual([]);
  });

  it("finds mentions around code, not inside it", () => {
    expect(mentionedUserIds("`@skip` @alice ```@skip too``` @bob `@no`")).toEqual(["alice", "bob"]);
    // A backtick that closes nothing does not hide the rest of the line.
    expect(mentionedUserIds("it's a ` then @alice")).toEqual(["alice"]);
  });

  it("counts each user once, in order of first mention, and compares ids exactly", () => {
    expect(mentionedUserIds("@bob @alice @bob, @alice. @Bob")).toEqual(["bob", "alice", "Bob"]);
  });

  it("takes ids up to the length limit and no mention at all beyond it", () => {
    const longest = `u${"x".repeat(MAX_MENTIONED_USER_ID_LENGTH - 1)}`;
    expect(mentionedUserIds(`@${longest} hi`)).toEqual([longest]);
    expect(mentionedUserIds(`@${longest}y hi`)).toEqual([]);
    expect(mentionedUserIds(`@${longest}.y hi`)).toEqual([]);
    // A trailing full stop after the longest id is punctuation.
    expect(mentionedUserIds(`@${longest}.`)).toEqual([longest]);
  });

  it("says where each user is first mentioned", () => {
    expect(findMentions("hi @bob and @amy, @bob")).toEqual([
      { userId: "bob", index: 3 },
      { userId: "amy", index: 12 },
    ]);
  });

  it("scans a long body with many candidates quickly and completely", () => {
    const body = Array.from({ length: 2000 }, (_, i) => `@u${i % 50}`).join(" ");
    expect(mentionedUserIds(body)).toHaveLength(50);
    expect(mentionedUserIds(`${"a.".repeat(4000)}@`)).toEqual([]);
  });
});

describe("the excerpt of a mention", () => {
  it("is the whole body, whitespace folded, when it is short", () => {
    const body = "Hi @bob,\n\n  can you   call them?";
    expect(excerptAround(body, body.indexOf("@bob"))).toBe("Hi @bob, can you call them?");
  });

  it("is a window around the mention of a long body, marked where it was cut", () => {
    const body = `${"before ".repeat(100)}@bob please look ${"after ".repeat(100)}`;
    const excerpt = excerptAround(body, body.indexOf("@bob"));
    expect(excerpt.startsWith("…")).toBe(true);
    expect(excerpt.endsWith("…")).toBe(true);
    expect(excerpt).toContain("@bob please look");
    expect(Array.from(excerpt).length).toBeLessThanOrEqual(EXCERPT_LENGTH + 2);
  });

  it("starts at the beginning when the mention is near it, and ends at the end when near that", () => {
    const long = "word ".repeat(100);
    const early = `@bob ${long}`;
    expect(excerptAround(early, 0)).toMatch(/^@bob word.*…$/);
    const late = `${long}@bob`;
    const excerpt = excerptAround(late, late.indexOf("@bob"));
    expect(excerpt).toMatch(/^…word.*@bob$/);
    // 200 characters of the body (less a space trimmed at the cut) and the ellipsis.
    expect(Array.from(excerpt).length).toBeGreaterThanOrEqual(EXCERPT_LENGTH);
    expect(Array.from(excerpt).length).toBeLessThanOrEqual(EXCERPT_LENGTH + 1);
  });

  it("never splits a character made of two code units", () => {
    const body = `${"🙂".repeat(150)} @bob ${"🙂".repeat(150)}`;
    const excerpt = excerptAround(body, body.indexOf("@bob"));
    expect(excerpt).toContain("@bob");
    expect(excerpt).not.toMatch(
      /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/,
    );
  });
});
