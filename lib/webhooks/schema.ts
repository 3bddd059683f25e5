import * as z from "zod/mini";
import { idOf, isoDateTime, pageQuery, recordMeta } from "#lib/records/common-schema";
import { filterProblem } from "#lib/webhooks/event-types";
import { loopbackHttpAllowed, MAX_URL_LENGTH, targetUrlProblem } from "#lib/webhooks/target-url";

export const WEBHOOK_STATUSES = ["active", "paused", "disabled"] as const;
export const DELIVERY_STATUSES = ["pending", "succeeded", "failed", "cancelled"] as const;
export const MAX_EVENT_TYPES = 50;

export const webhookId = idOf("wh");
export const deliveryId = idOf("whd");

/** Checked when the request is validated: the local runtime allows http to loopback. */
const targetUrl = z.string().check(
  z.trim(),
  z.minLength(1),
  z.maxLength(MAX_URL_LENGTH),
  z.superRefine((value, ctx) => {
    const problem = targetUrlProblem(value, loopbackHttpAllowed());
    if (problem) ctx.issues.push({ code: "custom", message: problem, input: value });
  }),
);

const eventTypeFilter = z.string().check(
  z.trim(),
  z.superRefine((value, ctx) => {
    const problem = filterProblem(value);
    if (problem) ctx.issues.push({ code: "custom", message: problem, input: value });
  }),
);

const eventTypes = z.array(eventTypeFilter).check(
  z.minLength(1),
  z.maxLength(MAX_EVENT_TYPES),
  z.refine((list) => new Set(list).size === list.length, "Event types must be unique"),
);

const description = z.string().check(z.trim(), z.minLength(1), z.maxLength(500));

export const createWebhookBody = z.strictObject({
  url: targetUrl,
  eventTypes,
  description: z.optional(description),
});

/** PATCH: every field optional; `null` clears the description. */
export const updateWebhookBody = z
  .strictObject({
    url: z.optional(targetUrl),
    eventTypes: z.optional(eventTypes),
    description: z.optional(z.nullable(description)),
  })
  .check(z.refine((body) => Object.keys(body).length > 0, "The patch changes nothing"));

export const webhookSchema = z.object({
  id: webhookId,
  url: z.string(),
  eventTypes: z.array(z.string()),
  description: z.optional(z.string()),
  /** `disabled` is set by the dispatcher when the endpoint keeps failing; resume re-enables. */
  status: z.enum(WEBHOOK_STATUSES),
  disabledAt: z.optional(isoDateTime),
  disabledReason: z.optional(z.string()),
  secretRotatedAt: z.optional(isoDateTime),
  ...recordMeta,
});

/** Only the responses that create a secret carry it; it cannot be read back afterwards. */
export const webhookWithSecretSchema = z.object({
  ...webhookSchema.shape,
  secret: z.string().check(z.startsWith("whsec_")),
});

export const webhookParams = z.strictObject({ webhookId });
export const deliveryParams = z.strictObject({ webhookId, deliveryId });

export const listWebhooksQuery = z.strictObject({
  ...pageQuery,
  status: z.optional(z.enum(WEBHOOK_STATUSES)),
});
export const listDeliveriesQuery = z.strictObject({ ...pageQuery });

export const ATTEMPT_TRIGGERS = ["initial", "retry", "manual"] as const;

export const attemptSchema = z.object({
  /** 1-based, counting every attempt of the delivery, manual ones included. */
  attempt: z.int(),
  at: isoDateTime,
  trigger: z.enum(ATTEMPT_TRIGGERS),
  outcome: z.enum(["succeeded", "failed"]),
  /** Whether a failed attempt is worth retrying (network error, timeout, 408, 429, 5xx). */
  retryable: z.optional(z.boolean()),
  statusCode: z.optional(z.int()),
  durationMs: z.int(),
  error: z.optional(z.string()),
});

export const deliverySchema = z.object({
  id: deliveryId,
  webhookId,
  eventId: z.string(),
  eventType: z.string(),
  status: z.enum(DELIVERY_STATUSES),
  attemptCount: z.int(),
  /** When the next automatic attempt is due, while the delivery is pending. */
  nextAttemptAt: z.optional(isoDateTime),
  /** Why a delivery ended failed or cancelled. */
  statusReason: z.optional(z.string()),
  attempts: z.array(attemptSchema),
  createdAt: isoDateTime,
  updatedAt: isoDateTime,
});

export type Webhook = z.infer<typeof webhookSchema>;
export type WebhookStatus = (typeof WEBHOOK_STATUSES)[number];
export type CreateWebhook = z.output<typeof createWebhookBody>;
export type UpdateWebhook = z.output<typeof updateWebhookBody>;
export type ListWebhooksQuery = z.output<typeof listWebhooksQuery>;
export type Attempt = z.infer<typeof attemptSchema>;
export type AttemptTrigger = (typeof ATTEMPT_TRIGGERS)[number];
export type Delivery = z.infer<typeof deliverySchema>;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];
