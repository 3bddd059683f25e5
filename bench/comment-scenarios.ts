import { createCommentOperationOf, listCommentsOperationOf } from "#lib/comments/routes";
import {
  LINKABLE_ENTITY_NAMES,
  type LinkableEntityName,
  linkableEntities,
} from "#lib/linked-records/registry";
import { linkableRecord } from "./linkable-record.ts";
import type { CostScenario, Fixtures } from "./route-scenarios.ts";

/**
 * The comment routes' cost scenarios: a record's comments and a comment on it for every entity of
 * the linkable-record registry (so an entity added there is measured with no change here), the
 * routes on one comment, and the caller's mentions.
 */

const pathOf = (entity: LinkableEntityName) => {
  const { collection, idParam } = linkableEntities[entity];
  return { routePath: `/${collection}/{${idParam}}/comments`, idParam };
};

const postComment = async (
  f: Fixtures,
  entity: LinkableEntityName,
  recordId: string,
  body: Record<string, unknown>,
) => {
  const { routePath, idParam } = pathOf(entity);
  const created = await f.call(
    { routeKey: `POST ${routePath}`, pathParameters: { [idParam]: recordId }, body },
    201,
  );
  return String(created.json?.id);
};

/** A contact with one comment (setup), for the routes on one comment. */
const contactComment = async (f: Fixtures, body = "Call back on Monday, @sales-1?") => {
  const contactId = (await linkableRecord("contact")).id;
  return { contactId, commentId: await postComment(f, "contact", contactId, { body }) };
};

const READ_BEFORE_WRITE =
  "Reads the comment first (GetItem): its author is checked and its version is the condition " +
  "of the transaction.";

const perRecord = (entity: LinkableEntityName): CostScenario[] => {
  const { routePath, idParam } = pathOf(entity);
  const label = routePath.replace(`{${idParam}}`, "{id}");
  return [
    {
      id: listCommentsOperationOf(entity),
      operationId: listCommentsOperationOf(entity),
      label: `GET ${label}`,
      budget: "list",
      expectStatus: 200,
      prepare: async (f) => {
        const recordId = (await linkableRecord(entity)).id;
        const root = await postComment(f, entity, recordId, { body: "First thread" });
        await postComment(f, entity, recordId, { body: "A reply", parentId: root });
        await postComment(f, entity, recordId, { body: "Second thread" });
        return { routeKey: `GET ${routePath}`, pathParameters: { [idParam]: recordId } };
      },
    },
    {
      id: `${listCommentsOperationOf(entity)}.empty`,
      operationId: listCommentsOperationOf(entity),
      label: `GET ${label} (no comment yet)`,
      budget: "list",
      expectStatus: 200,
      prepare: async () => ({
        routeKey: `GET ${routePath}`,
        pathParameters: { [idParam]: (await linkableRecord(entity)).id },
      }),
      note:
        "Only an empty first page checks with a GetItem that the record exists, so an unknown " +
        "id is a 404.",
    },
    {
      id: createCommentOperationOf(entity),
      operationId: createCommentOperationOf(entity),
      label: `POST ${label} (mentioning two users)`,
      budget: "create",
      expectStatus: 201,
      prepare: async () => ({
        routeKey: `POST ${routePath}`,
        pathParameters: { [idParam]: (await linkableRecord(entity)).id },
        body: { body: "@sales-1 and @support-2: the renewal is due, who calls?" },
      }),
      note:
        "One transaction: the comment, the record's existence check and one mention item per " +
        "mentioned user.",
    },
  ];
};

export const commentScenarios: readonly CostScenario[] = [
  ...LINKABLE_ENTITY_NAMES.flatMap(perRecord),
  {
    id: "createContactComment.reply",
    operationId: createCommentOperationOf("contact"),
    label: "POST /contacts/{id}/comments (a reply)",
    budget: "create",
    expectStatus: 201,
    prepare: async (f) => {
      const { contactId, commentId } = await contactComment(f);
      return {
        routeKey: "POST /contacts/{contactId}/comments",
        pathParameters: { contactId },
        body: { body: "Done.", parentId: commentId },
      };
    },
    note:
      "Reads the parent (GetItem) to find its thread's root and check it is on the same record; " +
      "the transaction also checks the root still exists and counts the reply on it.",
  },
  {
    id: "getComment",
    operationId: "getComment",
    label: "GET /comments/{id}",
    budget: "read",
    expectStatus: 200,
    prepare: async (f) => ({
      routeKey: "GET /comments/{commentId}",
      pathParameters: { commentId: (await contactComment(f)).commentId },
    }),
  },
  {
    id: "updateComment",
    operationId: "updateComment",
    label: "PATCH /comments/{id} (adding a mention)",
    budget: "write",
    expectStatus: 200,
    prepare: async (f) => ({
      routeKey: "PATCH /comments/{commentId}",
      pathParameters: { commentId: (await contactComment(f)).commentId },
      body: { body: "Call back on Monday, @sales-1? Or @support-2." },
    }),
    note: READ_BEFORE_WRITE,
  },
  {
    id: "deleteComment",
    operationId: "deleteComment",
    label: "DELETE /comments/{id}",
    budget: "write",
    expectStatus: 204,
    prepare: async (f) => ({
      routeKey: "DELETE /comments/{commentId}",
      pathParameters: { commentId: (await contactComment(f)).commentId },
    }),
    note: `${READ_BEFORE_WRITE} The mention items go in the same transaction.`,
  },
  {
    id: "deleteComment.withReplies",
    operationId: "deleteComment",
    label: "DELETE /comments/{id} (a root with replies: kept as a placeholder)",
    budget: "write",
    expectStatus: 204,
    prepare: async (f) => {
      const { contactId, commentId } = await contactComment(f);
      await postComment(f, "contact", contactId, { body: "A reply", parentId: commentId });
      return { routeKey: "DELETE /comments/{commentId}", pathParameters: { commentId } };
    },
    note:
      "The removal is conditioned on the root's reply counter; refused because of replies, a " +
      "second transaction keeps the root as a placeholder. Deciding in the transaction rather " +
      "than by a read first means a reply posted meanwhile is never orphaned.",
  },
  {
    id: "listMyMentions",
    operationId: "listMyMentions",
    label: "GET /me/mentions",
    budget: "list",
    expectStatus: 200,
    prepare: async () => ({ routeKey: "GET /me/mentions" }),
  },
];
