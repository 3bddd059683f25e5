import { READERS, WRITERS } from "#lib/auth/roles";
import {
  commentParams,
  commentSchema,
  createCommentBody,
  listCommentsQuery,
  listMentionsQuery,
  mentionSchema,
  updateCommentBody,
} from "#lib/comments/schema";
import { route } from "#lib/http/route";
import { capitalized, recordParams } from "#lib/linked-records/record-routes";
import {
  LINKABLE_ENTITY_NAMES,
  type LinkableEntityName,
  linkableEntities,
} from "#lib/linked-records/registry";
import { pageOf } from "#lib/records/common-schema";

/**
 * The comment routes. `GET` and `POST /<collection>/{<idParam>}/comments` exist for every entry
 * of the linkable-record registry, so an entity added there (deals, leads, tickets) gets its
 * comments with no change here; the routes on one comment, and the caller's mentions, follow.
 */
export type ListCommentsOperation = `list${Capitalize<LinkableEntityName>}Comments`;
export type CreateCommentOperation = `create${Capitalize<LinkableEntityName>}Comment`;

export const listCommentsOperationOf = (entity: LinkableEntityName): ListCommentsOperation =>
  `list${capitalized(entity)}Comments`;
export const createCommentOperationOf = (entity: LinkableEntityName): CreateCommentOperation =>
  `create${capitalized(entity)}Comment`;

const routesOfRecord = (entity: LinkableEntityName) => {
  const { collection, idParam } = linkableEntities[entity];
  const path = `/${collection}/{${idParam}}/comments`;
  return [
    route({
      operationId: listCommentsOperationOf(entity),
      method: "GET",
      path,
      function: "comments",
      summary: `The ${entity}'s comments: whole threads in order, each root comment followed by its replies, oldest first`,
      roles: READERS,
      request: { params: recordParams(entity), query: listCommentsQuery },
      response: { status: 200, body: pageOf(commentSchema), description: "A page of comments" },
      errors: [404],
    }),
    route({
      operationId: createCommentOperationOf(entity),
      method: "POST",
      path,
      function: "comments",
      summary: `Comment on the ${entity}, or reply to one of its comments; @user mentions notify those users`,
      roles: WRITERS,
      request: { params: recordParams(entity), body: createCommentBody },
      response: { status: 201, body: commentSchema, description: "The created comment" },
      idempotent: true,
      errors: [404, 422],
    }),
  ];
};

export const recordCommentRoutes = LINKABLE_ENTITY_NAMES.flatMap(routesOfRecord);

export const commentRoutes = [
  ...recordCommentRoutes,
  route({
    operationId: "getComment",
    method: "GET",
    path: "/comments/{commentId}",
    function: "comments",
    summary: "Get a comment",
    roles: READERS,
    request: { params: commentParams },
    response: {
      status: 200,
      body: commentSchema,
      description: "The comment; its ETag is its version",
    },
    errors: [404],
  }),
  route({
    operationId: "updateComment",
    method: "PATCH",
    path: "/comments/{commentId}",
    function: "comments",
    summary:
      "Edit a comment's body (its author only); users mentioned for the first time are notified",
    roles: WRITERS,
    request: { params: commentParams, body: updateCommentBody },
    response: { status: 200, body: commentSchema, description: "The edited comment" },
    conditional: true,
    errors: [404, 409, 412, 422],
  }),
  route({
    operationId: "deleteComment",
    method: "DELETE",
    path: "/comments/{commentId}",
    function: "comments",
    summary:
      "Delete a comment (its author or an admin); a root comment with replies stays as a placeholder",
    roles: WRITERS,
    request: { params: commentParams },
    response: { status: 204, description: "Deleted" },
    conditional: true,
    errors: [404, 409, 412],
  }),
  route({
    operationId: "listMyMentions",
    method: "GET",
    path: "/me/mentions",
    function: "comments",
    summary: "The caller's mentions in comments, newest first",
    roles: READERS,
    request: { query: listMentionsQuery },
    response: { status: 200, body: pageOf(mentionSchema), description: "A page of mentions" },
  }),
] as const;
