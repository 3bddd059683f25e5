import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Comment, Mention } from "#lib/comments/schema";
import type { Contact } from "#lib/contacts/schema";
import { parseBusEvent } from "#lib/events/bus-event";
import { CommentEvents, MentionEvents } from "#lib/events/detail-types";
import type { LocalBusEvent } from "#local/event-bus";
import { type ApiClient, startTestRuntime, type TestRuntime } from "#test/support/local-runtime";

/**
 * Comments and mentions through the local runtime, over HTTP: a mention in a comment on a
 * contact reaches the bus as `mention.created` (from the table's stream, never published by the
 * request), and the contact's comments list shows the thread.
 */
let crm: TestRuntime;
let alice: ApiClient;
let bob: ApiClient;

beforeAll(async () => {
  crm = await startTestRuntime();
  alice = crm.as("sales", "alice");
  bob = crm.as("support", "bob.smith");
});

afterAll(async () => {
  await crm?.stop();
});

const mentionOf = (commentId: string, userId: string) => (event: LocalBusEvent) => {
  if (event["detail-type"] !== MentionEvents.Created) return false;
  const data = parseBusEvent(event).detail.data as Mention | null;
  return data?.commentId === commentId && data.mentionedUserId === userId;
};

const eventOf = (type: string, id: string) => (event: LocalBusEvent) =>
  event["detail-type"] === type && parseBusEvent(event).detail.id === id;

const newContact = async (firstName: string) => {
  const created = await alice.post<Contact>("/contacts", { firstName });
  expect(created.status).toBe(201);
  return created.body.id;
};

describe("comments and mentions through the local runtime", () => {
  it("announces a mention on the bus with who, whom, where and an excerpt, and shows the thread", async () => {
    const contactId = await newContact("Ada");
    const body = "@bob.smith can you call Ada about the renewal? (not a@example.com)";
    const posted = await alice.post<Comment>(
      `/contacts/${contactId}/comments`,
      { body },
      {
        headers: { "idempotency-key": `comment-${contactId}` },
      },
    );
    expect(posted.status).toBe(201);
    expect(posted.headers.get("location")).toBe(`/comments/${posted.body.id}`);
    expect(posted.headers.get("etag")).toBe('"1"');
    expect(posted.body).toMatchObject({
      record: { entity: "contact", id: contactId },
      body,
      createdBy: "alice",
      mentions: [{ userId: "bob.smith" }],
    });

    // A retried POST with the same key is the first response, not a second comment.
    const replayed = await alice.post<Comment>(
      `/contacts/${contactId}/comments`,
      { body },
      {
        headers: { "idempotency-key": `comment-${contactId}` },
      },
    );
    expect(replayed.headers.get("idempotent-replayed")).toBe("true");
    expect(replayed.body.id).toBe(posted.body.id);

    const mention = parseBusEvent(await crm.bus.waitFor(mentionOf(posted.body.id, "bob.smith")));
    expect(mention.source).toBe("crm");
    expect(mention["detail-type"]).toBe("mention.created");
    expect(mention.detail).toMatchObject({
      entity: "mention",
      version: 1,
      actor: "alice",
      data: {
        mentionedUserId: "bob.smith",
        mentionedBy: "alice",
        commentId: posted.body.id,
        record: { entity: "contact", id: contactId },
        excerpt: body,
      },
    });
    expect(mention.detail.id).toMatch(/^mnt_/);
    await crm.bus.waitFor(eventOf(CommentEvents.Created, posted.body.id));

    const reply = await bob.post<Comment>(`/contacts/${contactId}/comments`, {
      body: "On it, @alice.",
      parentId: posted.body.id,
    });
    expect(reply.status).toBe(201);
    const nested = await alice.post<Comment>(`/contacts/${contactId}/comments`, {
      body: "Thanks!",
      parentId: reply.body.id,
    });
    expect(nested.body.parentId).toBe(posted.body.id);
    const another = await alice.post<Comment>(`/contacts/${contactId}/comments`, {
      body: "A second thread",
    });

    const thread = await crm
      .as("read-only", "viewer")
      .get<{ data: Comment[]; nextCursor: string | null }>(`/contacts/${contactId}/comments`);
    expect(thread.status).toBe(200);
    expect(thread.body.data.map((c) => [c.body, c.parentId])).toEqual([
      [body, undefined],
      ["On it, @alice.", posted.body.id],
      ["Thanks!", posted.body.id],
      ["A second thread", undefined],
    ]);
    expect(thread.body.data[3]?.id).toBe(another.body.id);
    expect(thread.body.nextCursor).toBeNull();

    // Bob's own mentions, newest first; alice's from bob's reply.
    const bobs = await bob.get<{ data: Mention[] }>("/me/mentions");
    expect(bobs.status).toBe(200);
    expect(bobs.body.data.map((m) => m.commentId)).toEqual([posted.body.id]);
    await crm.bus.waitFor(mentionOf(reply.body.id, "alice"));
    const alices = await alice.get<{ data: Mention[] }>("/me/mentions", { query: { limit: 5 } });
    expect(alices.body.data).toMatchObject([
      { mentionedUserId: "alice", mentionedBy: "bob.smith", commentId: reply.body.id },
    ]);
  });

  it("lets only the author edit, notifies newly mentioned users once, and keeps a deleted root as a placeholder", async () => {
    const contactId = await newContact("Grace");
    const root = await alice.post<Comment>(`/contacts/${contactId}/comments`, { body: "Plan?" });
    const reply = await bob.post<Comment>(`/contacts/${contactId}/comments`, {
      body: "Yes",
      parentId: root.body.id,
    });
    expect(reply.status).toBe(201);

    const notAuthor = await bob.patch(`/comments/${root.body.id}`, { body: "hijacked" });
    expect(notAuthor.status).toBe(403);
    expect(notAuthor.body).toMatchObject({ code: "comment.not_author" });

    const stale = await alice.patch(
      `/comments/${root.body.id}`,
      { body: "Plan, @carol?" },
      { headers: { "if-match": '"9"' } },
    );
    expect(stale.status).toBe(412);
    const edited = await alice.patch<Comment>(
      `/comments/${root.body.id}`,
      { body: "Plan, @carol?" },
      { headers: { "if-match": '"1"' } },
    );
    expect(edited.status).toBe(200);
    expect(edited.headers.get("etag")).toBe('"2"');
    expect(edited.body.editedAt).toBeDefined();
    await crm.bus.waitFor(mentionOf(root.body.id, "carol"));
    await crm.bus.waitFor(eventOf(CommentEvents.Updated, root.body.id));
    // Carol, already notified by this comment, is not notified again by the next edit.
    const again = await alice.patch<Comment>(`/comments/${root.body.id}`, {
      body: "Plan, @carol? Ping @carol.",
    });
    expect(again.body.version).toBe(3);
    await crm.bus.waitFor(
      (e) =>
        eventOf(CommentEvents.Updated, root.body.id)(e) && parseBusEvent(e).detail.version === 3,
    );
    expect(crm.bus.events().filter(mentionOf(root.body.id, "carol"))).toHaveLength(1);

    const removed = await bob.delete(`/comments/${root.body.id}`);
    expect(removed.status).toBe(403);
    const deleted = await alice.delete(`/comments/${root.body.id}`);
    expect(deleted.status).toBe(204);
    const event = parseBusEvent(
      await crm.bus.waitFor(eventOf(CommentEvents.Deleted, root.body.id)),
    );
    expect(event.detail).toMatchObject({ actor: "alice", data: { deletedBy: "alice" } });

    const placeholder = await alice.get<Comment>(`/comments/${root.body.id}`);
    expect(placeholder.status).toBe(200);
    expect(placeholder.body.body).toBeUndefined();
    expect(placeholder.body.deletedAt).toBeDefined();
    const carols = await crm.as("marketing", "carol").get<{ data: Mention[] }>("/me/mentions");
    expect(carols.body.data).toEqual([]);
    const thread = await alice.get<{ data: Comment[] }>(`/contacts/${contactId}/comments`);
    expect(thread.body.data.map((c) => c.body)).toEqual([undefined, "Yes"]);
  });

  it("answers bad requests with the right problem", async () => {
    const contactId = await newContact("Linus");
    const other = await newContact("Other");
    const foreign = await alice.post<Comment>(`/contacts/${other}/comments`, { body: "there" });

    const missing = await alice.post("/contacts/con_01J00000000000000000000000/comments", {
      body: "hello",
    });
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ code: "contact.not_found" });
    expect((await alice.get("/contacts/con_01J00000000000000000000000/comments")).status).toBe(404);

    const elsewhere = await alice.post(`/contacts/${contactId}/comments`, {
      body: "reply",
      parentId: foreign.body.id,
    });
    expect(elsewhere.status).toBe(422);
    expect(elsewhere.body).toMatchObject({ code: "comment.parent_on_other_record" });

    for (const bad of [
      {},
      { body: "" },
      { body: "   " },
      { body: "x".repeat(10_001) },
      { body: "bell \u0007" },
      { body: "ok", parentId: "not-an-id" },
      { body: "ok", extra: true },
    ]) {
      const response = await alice.post(`/contacts/${contactId}/comments`, bad);
      expect(response.status, JSON.stringify(bad).slice(0, 40)).toBe(400);
    }
    expect((await alice.post("/contacts/not-an-id/comments", { body: "x" })).status).toBe(400);
    expect(
      (await crm.as("read-only", "viewer").post(`/contacts/${contactId}/comments`, { body: "x" }))
        .status,
    ).toBe(403);
    const thread = await alice.get<{ data: Comment[] }>(`/contacts/${contactId}/comments`);
    expect(thread.body.data).toEqual([]);
  });
});
