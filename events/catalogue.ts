import * as z from "zod/mini";
import { envelopeOf } from "#events/envelope";
import { companySchema } from "#lib/companies/schema";
import { contactSchema } from "#lib/contacts/schema";
import { customFieldSchema } from "#lib/custom-fields/schema";
import {
  CompanyEvents,
  ContactEvents,
  CustomFieldEvents,
  WebhookEvents,
} from "#lib/events/detail-types";
import { webhookSchema } from "#lib/webhooks/schema";

/**
 * The event catalogue: one schema per detail-type, the contract for integrators. The `data` of
 * an event is the entity's own schema from `lib/<capability>/schema.ts`, so the API and the
 * events cannot describe a record differently. `npm run events:generate` (see docs/events.md)
 * writes the JSON Schemas (`events/schemas/`) and examples (`events/examples/`) from here, and
 * a contract test fails when the committed files drift from these schemas.
 */
export interface EventDefinition {
  readonly detailType: string;
  /** What happened, for docs/events.md and the schema registry. */
  readonly description: string;
  readonly schema: z.ZodMiniType;
}

const define = (detailType: string, data: z.ZodMiniType, description: string): EventDefinition => ({
  detailType,
  description,
  schema: envelopeOf(data),
});

/** A deletion carries no record: `data` is null, the envelope names the id and the actor. */
const deletion = (detailType: string, description: string): EventDefinition => ({
  detailType,
  description,
  schema: envelopeOf(z.null()),
});

export const eventCatalogue: readonly EventDefinition[] = [
  define(ContactEvents.Created, contactSchema, "A contact was created."),
  define(
    ContactEvents.Updated,
    contactSchema,
    "A contact changed: its fields, tags, custom fields or company associations.",
  ),
  deletion(ContactEvents.Deleted, "A contact was deleted."),
  define(CompanyEvents.Created, companySchema, "A company was created."),
  define(CompanyEvents.Updated, companySchema, "A company changed."),
  deletion(CompanyEvents.Deleted, "A company was deleted."),
  define(
    CustomFieldEvents.Created,
    customFieldSchema,
    "A custom field was defined for contacts or companies; its id is `<entity>.<key>`.",
  ),
  define(
    CustomFieldEvents.Updated,
    customFieldSchema,
    "A custom field definition changed (label, required, options).",
  ),
  deletion(
    CustomFieldEvents.Deleted,
    "A custom field definition was deleted; records keep their values.",
  ),
  define(
    WebhookEvents.Created,
    webhookSchema,
    "A webhook subscription was created (its signing secret is never in an event).",
  ),
  define(
    WebhookEvents.Updated,
    webhookSchema,
    "A webhook subscription changed: URL, event types, description, paused or resumed, or its secret rotated.",
  ),
  deletion(WebhookEvents.Deleted, "A webhook subscription was deleted."),
  define(
    WebhookEvents.Disabled,
    webhookSchema,
    "A webhook subscription was disabled because its deliveries kept failing; `data.disabledReason` says why. It is not sent to the subscription it disables.",
  ),
];

const byDetailType = new Map(
  eventCatalogue.map((definition) => [definition.detailType, definition]),
);

export const eventDefinitionOf = (detailType: string): EventDefinition | undefined =>
  byDetailType.get(detailType);
