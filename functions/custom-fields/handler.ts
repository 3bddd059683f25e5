import { customFieldRoutes } from "#lib/custom-fields/routes";
import * as customFields from "#lib/custom-fields/service";
import { httpFunction } from "#lib/http/http-function";
import { idempotency } from "#lib/http/middleware/idempotency";
import { created, noContent, ok } from "#lib/http/response";

export const handler = httpFunction(
  customFieldRoutes,
  {
    createCustomField: async ({ body, principal }) => {
      const definition = await customFields.createCustomField(body, principal);
      return created(definition, `/custom-fields/${definition.entity}/${definition.key}`);
    },
    listCustomFields: async ({ query }) =>
      ok({ data: await customFields.listCustomFields(query.entity) }),
    getCustomField: async ({ params }) =>
      ok(await customFields.getCustomField(params.entity, params.key)),
    updateCustomField: async ({ params, body, expectedVersion, principal }) =>
      ok(
        await customFields.updateCustomField(
          params.entity,
          params.key,
          body,
          expectedVersion,
          principal,
        ),
      ),
    deleteCustomField: async ({ params, expectedVersion, principal }) => {
      await customFields.deleteCustomField(params.entity, params.key, expectedVersion, principal);
      return noContent();
    },
  },
  { idempotency: idempotency() },
);
