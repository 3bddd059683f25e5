import { GetCommand, QueryCommand } from "@aws-sdk/lib-dynamodb";
import { beforeAll, describe, expect, it } from "vitest";
import type { Principal } from "#lib/auth/principal";
import {
  commentKey,
  mentionsPartition,
  replyCounterKey,
  threadPartition,
} from "#lib/comments/keys";
import { MAX_MENTIONS } from "#lib/comments/schema";
import {
  createComment,
  deleteComment,
  getComment,
  listComments,
  listMyMentions,
  updateComment,
} from "#lib/comments/service";
import { createCompany } from "#lib/companies/service";
import { createContact, deleteContact } from "#lib/contacts/service";
import { documentClient, tableName } from "#lib/db/client";
import type { RecordRef } from "#lib/linked-records/registry";
import { rejectionOf } from "#test/support/domain-errors";
import { createTestTable } from "#test/support/dynamodb";

const alice: Principal = { userId: "alice", roles: ["sales"] };
const bob: Principal = { userId: "bob", roles: ["support"] };
const admin: Principal = { userId: "root", roles: ["admin"] };

const newContact = async (firstName = "Ada"): Promise<RecordRef> => {
  const contact = await createContact(
    { firstName, emails: [], phones: [], lifecycleStage: "lead", tags: [], customFields: {} },
    alice,
  );
  return { entity: "contact", id: contact.id };
};

const newCompany = async (name: string): Promise<RecordRef> => {
  const company = await createCompany(
    { name, domain: `${name.toLowerCase()}-${Date.now()}.example`, tags: [], customFields: {} },
    alice,
  );
  return { entity: "company", id: company.id };
};

/** Every item the table holds under a key partition: what a refused write must not have left. */
const partitionItems = async (pk: string) =>
  (
    await documentClient.send(
      new QueryCommand({
        TableName: tableName(),
        KeyConditionExpression: "pk = :pk",
        ExpressionAttributeValues: { ":pk": pk },
        ConsistentRead: true,
      }),
    )
  ).Items ?? [];

const threadItems = async (record: RecordRef) =>
  (
    await documentClient.send(
      new QueryCommand({
        TableName: tableName(),
        IndexName: "gsi1",
        KeyConditionExpression: "gsi1pk = :pk",
        ExpressionAttributeValues: { ":pk": threadPartition(record) },
      }),
    )
  ).Items ?? [];

const replyCount = async (rootId: string) =>
  (
    await documentClient.send(
      new GetCommand({
        TableName: tableName(),
        Key: replyCounterKey(rootId),
        ConsistentRead: true,
      }),
    )
  ).Item?.replyCount as number | undefined;

/** Every comment of a record, page by page, and how many pages that took. */
const readAllComments = async (record: RecordRef, limit: number) => {
  const bodies: string[] = [];
  let cursor: string | undefined;
  let pages = 0;
  do {
    const page = await listComments(record, { limit, cursor });
    pages++;
    bodies.push(...page.data.map((c) => c.body ?? "(deleted)"));
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return { bodies, pages };
};

beforeAll(async () => {
  await createTestTable("comments");
});

describe("threads", () => {
  it("lists whole threads in order, across pages: roots oldest first, each followed by its replies", async () => {
    const record = await newContact();
    const first = await createComment(record, { body: "A" }, alice);
    const second = await createComment(record, { body: "B" }, bob);
    // Replies to A come after B was posted: the order is by thread, not by time alone.
    await createComment(record, { body: "A.1", parentId: first.id }, bob);
    const third = await createComment(record, { body: "C" }, alice);
    await createComment(record, { body: "B.1", parentId: second.id }, alice);
    await createComment(record, { body: "A.2", parentId: first.id }, alice);
    await createComment(record, { body: "C.1", parentId: third.id }, bob);
    await createComment(record, { body: "A.3", parentId: first.id }, bob);

    const expected = ["A", "A.1", "A.2", "A.3", "B", "B.1", "C", "C.1"];
    for (const limit of [1, 3, 100]) {
      const { bodies, pages } = await readAllComments(record, limit);
      expect(bodies, `limit ${limit}`).toEqual(expected);
      expect(pages).toBe(Math.ceil(expected.length / limit));
    }
  });

  it("attaches a reply to a reply to the thread's root, one level deep", async () => {
    const record = await newContact();
    const root = await createComment(record, { body: "root" }, alice);
    const reply = await createComment(record, { body: "reply", parentId: root.id }, bob);
    const nested = await createComment(
      record,
      { body: "reply to reply", parentId: reply.id },
      alice,
    );
    expect(reply.parentId).toBe(root.id);
    expect(nested.parentId).toBe(root.id);
    expect((await getComment(nested.id)).parentId).toBe(root.id);
    expect(await replyCount(root.id)).toBe(2);
    expect((await listComments(record, {})).data.map((c) => c.body)).toEqual([
      "root",
      "reply",
      "reply to reply",
    ]);
  });

  it("keeps each record's comments apart, whatever its entity", async () => {
    const contact = await newContact();
    const company = await newCompany("Engines");
    await createComment(contact, { body: "on the contact" }, alice);
    const onCompany = await createComment(company, { body: "on the company" }, alice);
    expect(onCompany.record).toEqual(company);
    expect((await listComments(company, {})).data.map((c) => c.body)).toEqual(["on the company"]);
    expect((await listComments(contact, {})).data.map((c) => c.body)).toEqual(["on the contact"]);
  });

  it("answers an empty page for a record without comments, and 404 for one that does not exist", async () => {
    const record = await newContact();
    expect(await listComments(record, {})).toEqual({ data: [], nextCursor: null });
    const missing = await rejectionOf(
      listComments({ entity: "contact", id: "con_01J00000000000000000000000" }, {}),
    );
    expect(missing).toMatchObject({ kind: "not_found", code: "contact.not_found" });
  });

  it("refuses a cursor of another record's comments", async () => {
    const record = await newContact();
    const other = await newContact("Other");
    await createComment(record, { body: "one" }, alice);
    await createComment(record, { body: "two" }, alice);
    const page = await listComments(record, { limit: 1 });
    const error = await rejectionOf(
      listComments(other, { limit: 1, cursor: page.nextCursor ?? undefined }),
    );
    expect(error).toMatchObject({ kind: "invalid", code: "request.invalid_cursor" });
  });
});

describe("refused comments write nothing", () => {
  it("refuses a parent on another record with a 422", async () => {
    const record = await newContact();
    const elsewhere = await newContact("Elsewhere");
    const foreign = await createComment(elsewhere, { body: "elsewhere" }, alice);
    const error = await rejectionOf(
      createComment(record, { body: "reply", parentId: foreign.id }, alice),
    );
    expect(error).toMatchObject({
      kind: "unprocessable",
      code: "comment.parent_on_other_record",
      fieldErrors: [{ path: "body.parentId" }],
    });
    expect(await threadItems(record)).toEqual([]);
    expect(await replyCount(foreign.id)).toBeUndefined();
  });

  it("refuses a parent that does not exist with a 422", async () => {
    const record = await newContact();
    const error = await rejectionOf(
      createComment(
        record,
        { body: "reply @bob", parentId: "cmt_01J00000000000000000000000" },
        alice,
      ),
    );
    expect(error).toMatchObject({ kind: "unprocessable", code: "comment.parent_not_found" });
    expect(await threadItems(record)).toEqual([]);
    expect(await partitionItems(mentionsPartition("bob"))).toEqual([]);
  });

  it("refuses a comment on a record that does not exist (or no longer does) with a 404, and writes no comment or mention", async () => {
    const ghost: RecordRef = { entity: "contact", id: "con_01J00000000000000000000001" };
    const error = await rejectionOf(createComment(ghost, { body: "hello @ghostwatcher" }, alice));
    expect(error).toMatchObject({ kind: "not_found", code: "contact.not_found" });
    expect(await threadItems(ghost)).toEqual([]);
    expect(await partitionItems(mentionsPartition("ghostwatcher"))).toEqual([]);

    // Deleted between two comments: the transaction's condition sees it, no read-then-write race.
    const record = await newContact("Gone");
    await createComment(record, { body: "before" }, alice);
    await deleteContact(record.id, undefined, alice);
    const gone = await rejectionOf(createComment(record, { body: "after @gonewatcher" }, alice));
    expect(gone).toMatchObject({ kind: "not_found", code: "contact.not_found" });
    expect((await threadItems(record)).map((item) => item.body)).toEqual(["before"]);
    expect(await partitionItems(mentionsPartition("gonewatcher"))).toEqual([]);
  });

  it("refuses a comment mentioning more than the maximum of users", async () => {
    const record = await newContact();
    const body = Array.from({ length: MAX_MENTIONS + 1 }, (_, i) => `@crowd${i}`).join(" ");
    const error = await rejectionOf(createComment(record, { body }, alice));
    expect(error).toMatchObject({ kind: "unprocessable", code: "comment.too_many_mentions" });
    expect(await threadItems(record)).toEqual([]);
    expect(await partitionItems(mentionsPartition("crowd0"))).toEqual([]);
  });
});

describe("editing", () => {
  it("lets the author edit, keeps editedAt, and checks If-Match", async () => {
    const record = await newContact();
    const comment = await createComment(record, { body: "first draft" }, alice);
    expect(comment.editedAt).toBeUndefined();
    const edited = await updateComment(comment.id, { body: "second draft" }, 1, alice);
    expect(edited).toMatchObject({ body: "second draft", version: 2, updatedBy: "alice" });
    expect(edited.editedAt).toBe(edited.updatedAt);
    expect(await getComment(comment.id)).toEqual(edited);

    const stale = await rejectionOf(updateComment(comment.id, { body: "third" }, 1, alice));
    expect(stale).toMatchObject({ kind: "precondition_failed", code: "comment.version_mismatch" });
    expect((await getComment(comment.id)).body).toBe("second draft");
  });

  it("refuses an edit by anyone but the author with a 403, admins included", async () => {
    const record = await newContact();
    const comment = await createComment(record, { body: "mine" }, alice);
    for (const intruder of [bob, admin]) {
      const error = await rejectionOf(
        updateComment(comment.id, { body: "yours" }, undefined, intruder),
      );
      expect(error).toMatchObject({ kind: "forbidden", code: "comment.not_author" });
    }
    expect(await getComment(comment.id)).toEqual(comment);
  });

  it("answers 404 for an edit of a comment that does not exist", async () => {
    const error = await rejectionOf(
      updateComment("cmt_01J00000000000000000000000", { body: "x" }, undefined, alice),
    );
    expect(error).toMatchObject({ kind: "not_found", code: "comment.not_found" });
  });
});

describe("mentions", () => {
  it("writes one mention item per mentioned user, once each, never for the author", async () => {
    const record = await newContact();
    const comment = await createComment(
      record,
      { body: "@carol and @dave.smith, see this. Again @carol. Me: @alice. Mail: x@erin.com" },
      alice,
    );
    expect(comment.mentions.map((m) => m.userId)).toEqual(["carol", "dave.smith"]);
    for (const user of ["carol", "dave.smith"]) {
      const mentions = await listMyMentions({ userId: user, roles: ["read-only"] }, {});
      expect(mentions.data).toHaveLength(1);
      expect(mentions.data[0]).toMatchObject({
        mentionedUserId: user,
        mentionedBy: "alice",
        commentId: comment.id,
        record,
        excerpt: comment.body,
        version: 1,
        createdBy: "alice",
      });
      expect(mentions.data[0]?.id).toMatch(/^mnt_/);
    }
    expect((await listMyMentions(alice, {})).data).toEqual([]);
    expect((await listMyMentions({ userId: "erin.com", roles: ["sales"] }, {})).data).toEqual([]);
  });

  it("notifies only users new to the comment when it is edited, never twice", async () => {
    const record = await newContact();
    const frank: Principal = { userId: "frank", roles: ["sales"] };
    const comment = await createComment(record, { body: "@frank look" }, alice);
    // Frank's mention removed, then added back with Grace: only Grace is new.
    await updateComment(comment.id, { body: "never mind" }, undefined, alice);
    const edited = await updateComment(
      comment.id,
      { body: "@frank @grace look" },
      undefined,
      alice,
    );
    await updateComment(comment.id, { body: "@frank @grace look again" }, undefined, alice);
    expect(edited.mentions.map((m) => m.userId)).toEqual(["frank", "grace"]);
    expect((await listMyMentions(frank, {})).data).toHaveLength(1);
    const grace = await listMyMentions({ userId: "grace", roles: ["sales"] }, {});
    expect(grace.data).toHaveLength(1);
    expect(grace.data[0]?.createdAt).toBe(edited.editedAt);
    expect(grace.data[0]?.excerpt).toBe("@frank @grace look");
    expect((await getComment(comment.id)).mentions).toEqual(edited.mentions);
  });

  it("lists a user's mentions newest first, one page at a time", async () => {
    const record = await newContact();
    const hank: Principal = { userId: "hank", roles: ["read-only"] };
    const ids: string[] = [];
    for (const n of [1, 2, 3]) {
      ids.push((await createComment(record, { body: `ping ${n} @hank` }, alice)).id);
    }
    const first = await listMyMentions(hank, { limit: 2 });
    expect(first.data.map((m) => m.commentId)).toEqual([ids[2], ids[1]]);
    const second = await listMyMentions(hank, { limit: 2, cursor: first.nextCursor ?? undefined });
    expect(second.data.map((m) => m.commentId)).toEqual([ids[0]]);
    expect(second.nextCursor).toBeNull();
  });

  it("refuses an edit that would take the comment over the mention limit", async () => {
    const record = await newContact();
    const half = Array.from({ length: MAX_MENTIONS / 2 }, (_, i) => `@early${i}`).join(" ");
    const comment = await createComment(record, { body: half }, alice);
    const others = Array.from({ length: MAX_MENTIONS / 2 + 1 }, (_, i) => `@late${i}`).join(" ");
    const error = await rejectionOf(updateComment(comment.id, { body: others }, undefined, alice));
    expect(error).toMatchObject({ code: "comment.too_many_mentions" });
    expect((await getComment(comment.id)).version).toBe(1);
    expect(await partitionItems(mentionsPartition("late0"))).toEqual([]);
  });
});

describe("deleting", () => {
  it("removes a comment without replies outright, with its mention items", async () => {
    const record = await newContact();
    const comment = await createComment(record, { body: "oops @ivan" }, alice);
    await deleteComment(comment.id, undefined, alice);
    expect(await partitionItems(commentKey(comment.id).pk)).toEqual([]);
    expect(await partitionItems(mentionsPartition("ivan"))).toEqual([]);
    expect(await listComments(record, {})).toEqual({ data: [], nextCursor: null });
    const again = await rejectionOf(deleteComment(comment.id, undefined, alice));
    expect(again).toMatchObject({ kind: "not_found", code: "comment.not_found" });
  });

  it("keeps a root with replies as a placeholder, so the thread keeps its context", async () => {
    const record = await newContact();
    const root = await createComment(record, { body: "question for @judy" }, alice);
    const reply = await createComment(record, { body: "answer", parentId: root.id }, bob);
    await deleteComment(root.id, undefined, alice);

    const placeholder = await getComment(root.id);
    expect(placeholder.body).toBeUndefined();
    expect(placeholder).toMatchObject({
      id: root.id,
      deletedBy: "alice",
      mentions: [],
      version: 2,
    });
    expect(placeholder.deletedAt).toBe(placeholder.updatedAt);
    expect(await partitionItems(mentionsPartition("judy"))).toEqual([]);
    expect((await listComments(record, {})).data.map((c) => [c.id, c.body])).toEqual([
      [root.id, undefined],
      [reply.id, "answer"],
    ]);

    // The placeholder cannot be edited or deleted again; the thread still takes replies.
    expect(
      await rejectionOf(updateComment(root.id, { body: "x" }, undefined, alice)),
    ).toMatchObject({ kind: "conflict", code: "comment.deleted" });
    expect(await rejectionOf(deleteComment(root.id, undefined, alice))).toMatchObject({
      kind: "conflict",
      code: "comment.deleted",
    });
    const late = await createComment(record, { body: "late", parentId: reply.id }, bob);
    expect(late.parentId).toBe(root.id);
  });

  it("removes replies outright and uncounts them, so the emptied root can then go too", async () => {
    const record = await newContact();
    const root = await createComment(record, { body: "root" }, alice);
    const reply = await createComment(record, { body: "reply", parentId: root.id }, bob);
    await deleteComment(reply.id, undefined, bob);
    expect(await replyCount(root.id)).toBe(0);
    await deleteComment(root.id, undefined, alice);
    expect(await partitionItems(commentKey(root.id).pk)).toEqual([]);
    expect(await listComments(record, {})).toEqual({ data: [], nextCursor: null });
  });

  it("lets the author or an admin delete, and nobody else", async () => {
    const record = await newContact();
    const comment = await createComment(record, { body: "keep" }, alice);
    const error = await rejectionOf(deleteComment(comment.id, undefined, bob));
    expect(error).toMatchObject({ kind: "forbidden", code: "comment.not_author" });
    expect(await getComment(comment.id)).toEqual(comment);
    const stale = await rejectionOf(deleteComment(comment.id, 7, admin));
    expect(stale).toMatchObject({ kind: "precondition_failed" });
    await deleteComment(comment.id, 1, admin);
    expect(await rejectionOf(getComment(comment.id))).toMatchObject({ kind: "not_found" });
  });

  it("never orphans a reply posted while its root is deleted, whichever commits first", async () => {
    // Either order is fine; what must never happen is a reply whose root is gone. Eight rounds
    // see both orders in practice.
    for (let round = 0; round < 8; round++) {
      const record = await newContact(`Race ${round}`);
      const root = await createComment(record, { body: "root" }, alice);
      const [deleted, replied] = await Promise.allSettled([
        deleteComment(root.id, undefined, alice),
        createComment(record, { body: "racing reply", parentId: root.id }, bob),
      ]);
      expect(deleted.status).toBe("fulfilled");
      const stored = await threadItems(record);
      if (replied.status === "fulfilled") {
        // The reply committed first: the root stays, as a placeholder without its body.
        expect(stored.map((item) => [item.id, item.body])).toEqual([
          [root.id, undefined],
          [replied.value.id, "racing reply"],
        ]);
      } else {
        // The deletion committed first: the reply was refused, and nothing is left.
        expect(replied.reason).toMatchObject({ code: "comment.parent_not_found" });
        expect(stored).toEqual([]);
      }
    }
  });
});
