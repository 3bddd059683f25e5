import {
  type CreateCommentOperation,
  commentRoutes,
  createCommentOperationOf,
  type ListCommentsOperation,
  listCommentsOperationOf,
} from "#lib/comments/routes";
import * as comments from "#lib/comments/service";
import { httpFunction, type OperationInput, type Operations } from "#lib/http/http-function";
import { idempotency } from "#lib/http/middleware/idempotency";
import { created, noContent, ok, page } from "#lib/http/response";
import { recordOf } from "#lib/linked-records/record-routes";
import { LINKABLE_ENTITY_NAMES, type LinkableEntityName } from "#lib/linked-records/registry";

type Route = (typeof commentRoutes)[number];
type ListRoute = Extract<Route, { operationId: ListCommentsOperation }>;
type CreateRoute = Extract<Route, { operationId: CreateCommentOperation }>;
type RecordOperations = Pick<
  Operations<typeof commentRoutes>,
  ListCommentsOperation | CreateCommentOperation
>;

/** The two operations of one linkable entity's `/…/{id}/comments`, for every registry entry. */
const recordOperations = Object.fromEntries(
  LINKABLE_ENTITY_NAMES.flatMap((entity: LinkableEntityName) => [
    [
      listCommentsOperationOf(entity),
      async ({ params, query }: OperationInput<ListRoute>) =>
        page(await comments.listComments(recordOf(entity, params), query)),
    ],
    [
      createCommentOperationOf(entity),
      async ({ params, body, principal }: OperationInput<CreateRoute>) => {
        const comment = await comments.createComment(recordOf(entity, params), body, principal);
        return created(comment, `/comments/${comment.id}`);
      },
    ],
  ]),
) as RecordOperations;

export const handler = httpFunction(
  commentRoutes,
  {
    ...recordOperations,
    getComment: async ({ params }) => ok(await comments.getComment(params.commentId)),
    updateComment: async ({ params, body, expectedVersion, principal }) =>
      ok(await comments.updateComment(params.commentId, body, expectedVersion, principal)),
    deleteComment: async ({ params, expectedVersion, principal }) => {
      await comments.deleteComment(params.commentId, expectedVersion, principal);
      return noContent();
    },
    listMyMentions: async ({ query, principal }) =>
      page(await comments.listMyMentions(principal, query)),
  },
  { idempotency: idempotency() },
);
