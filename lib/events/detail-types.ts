/**
 * The detail-types of the CRM's domain events: `<entity>.<verb>`. Producers, rule patterns
 * (`lib/wiring/rules.ts`) and consumers import these constants instead of spelling the strings.
 * Every value here has a schema in the event catalogue (`events/catalogue.ts`); a test holds
 * the two together.
 */
export const ContactEvents = {
  Created: "contact.created",
  Updated: "contact.updated",
  Deleted: "contact.deleted",
} as const;

export const CompanyEvents = {
  Created: "company.created",
  Updated: "company.updated",
  Deleted: "company.deleted",
} as const;

export const CustomFieldEvents = {
  Created: "custom_field.created",
  Updated: "custom_field.updated",
  Deleted: "custom_field.deleted",
} as const;

/** Webhook subscriptions; `disabled` is announced when the dispatcher gives up on an endpoint. */
export const WebhookEvents = {
  Created: "webhook.created",
  Updated: "webhook.updated",
  Deleted: "webhook.deleted",
  Disabled: "webhook.disabled",
} as const;

/** `contact` + `created` -> `contact.created`. */
export const detailTypeOf = (entity: string, verb: string): string => `${entity}.${verb}`;

/** `deal.stage_changed` -> `{ entity: "deal", verb: "stage_changed" }`. */
export const splitDetailType = (detailType: string): { entity: string; verb: string } => {
  const dot = detailType.indexOf(".");
  return dot < 0
    ? { entity: detailType, verb: "" }
    : { entity: detailType.slice(0, dot), verb: detailType.slice(dot + 1) };
};
