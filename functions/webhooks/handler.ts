import { httpFunction } from "#lib/http/http-function";
import { idempotency } from "#lib/http/middleware/idempotency";
import { created, noContent, ok, page } from "#lib/http/response";
import { webhookRoutes } from "#lib/webhooks/routes";
import * as webhooks from "#lib/webhooks/service";

export const handler = httpFunction(
  webhookRoutes,
  {
    createWebhook: async ({ body, principal }) => {
      const webhook = await webhooks.createWebhook(body, principal);
      return created(webhook, `/webhooks/${webhook.id}`);
    },
    listWebhooks: async ({ query }) => page(await webhooks.listWebhooks(query)),
    getWebhook: async ({ params }) => ok(await webhooks.getWebhook(params.webhookId)),
    updateWebhook: async ({ params, body, expectedVersion, principal }) =>
      ok(await webhooks.updateWebhook(params.webhookId, body, expectedVersion, principal)),
    deleteWebhook: async ({ params, expectedVersion, principal }) => {
      await webhooks.deleteWebhook(params.webhookId, expectedVersion, principal);
      return noContent();
    },
    pauseWebhook: async ({ params, expectedVersion, principal }) =>
      ok(await webhooks.setWebhookStatus(params.webhookId, "paused", expectedVersion, principal)),
    resumeWebhook: async ({ params, expectedVersion, principal }) =>
      ok(await webhooks.setWebhookStatus(params.webhookId, "active", expectedVersion, principal)),
    rotateWebhookSecret: async ({ params, expectedVersion, principal }) =>
      ok(await webhooks.rotateSecret(params.webhookId, expectedVersion, principal)),
    listWebhookDeliveries: async ({ params, query }) =>
      page(await webhooks.listDeliveries(params.webhookId, query)),
    redeliverWebhook: async ({ params }) =>
      ok(await webhooks.redeliver(params.webhookId, params.deliveryId)),
  },
  { idempotency: idempotency() },
);
