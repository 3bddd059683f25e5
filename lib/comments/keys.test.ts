import { describe, expect, it } from "vitest";
import { threadPartition, threadSortKey } from "#lib/comments/keys";
import { newId } from "#lib/records/ids";

/** What DynamoDB does with string sort keys: compare UTF-8 bytes, which for ASCII is code units. */
const byteOrder = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

describe("thread order", () => {
  it("puts each root before its replies, replies oldest first, and roots oldest first", () => {
    const [rootA, rootB, rootC] = [newId("cmt"), newId("cmt"), newId("cmt")];
    // Replies to A written after B and C exist: the key, not the write order, places them.
    const [a1, b1, a2, c1, a3] = [
      newId("cmt"),
      newId("cmt"),
      newId("cmt"),
      newId("cmt"),
      newId("cmt"),
    ];
    const comments = [
      { id: c1, parentId: rootC, label: "C.1" },
      { id: rootB, label: "B" },
      { id: a2, parentId: rootA, label: "A.2" },
      { id: rootC, label: "C" },
      { id: a3, parentId: rootA, label: "A.3" },
      { id: rootA, label: "A" },
      { id: b1, parentId: rootB, label: "B.1" },
      { id: a1, parentId: rootA, label: "A.1" },
    ];
    const ordered = [...comments]
      .sort((x, y) => byteOrder(threadSortKey(x), threadSortKey(y)))
      .map((c) => c.label);
    expect(ordered).toEqual(["A", "A.1", "A.2", "A.3", "B", "B.1", "C", "C.1"]);
  });

  it("keeps a root first even when a reply's id sorts before the root's next sibling's", () => {
    // Ids of one length: `#` (0x23) sorts before every ULID character, so `<root>` < `<root>#…`
    // < the next root, whatever the reply's id.
    const root = "cmt_01J00000000000000000000000";
    const next = "cmt_01J00000000000000000000001";
    const lateReply = "cmt_01JZZZZZZZZZZZZZZZZZZZZZZZ";
    const keys = [
      threadSortKey({ id: next }),
      threadSortKey({ id: lateReply, parentId: root }),
      threadSortKey({ id: root }),
    ].sort(byteOrder);
    expect(keys).toEqual([root, `${root}#${lateReply}`, next]);
  });

  it("gives each record its own thread partition", () => {
    expect(threadPartition({ entity: "contact", id: "con_1" })).toBe("comments#contact#con_1");
    expect(threadPartition({ entity: "company", id: "co_1" })).not.toBe(
      threadPartition({ entity: "contact", id: "co_1" }),
    );
  });
});
