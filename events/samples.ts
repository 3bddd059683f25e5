import { marshall } from "@aws-sdk/util-dynamodb";
import type { DynamoDBRecord } from "aws-lambda";
import { tombstoneItem } from "#lib/db/tombstone";
import {
  CompanyEvents,
  ContactEvents,
  CustomFieldEvents,
  WebhookEvents,
} from "#lib/events/detail-types";

/**
 * One stream record per detail-type: the table items a real write leaves, as the stream carries
 * them. The examples in `events/examples/` are these records run through the real publisher
 * mapping (`domainEventOf`), so an example always is what the publisher emits, and the tests
 * use them as fixtures.
 */
type Item = Record<string, unknown>;

const contactV1: Item = {
  pk: "contact#con_01JD7Q6X9Y8Z7W6V5T4S3R2Q1P",
  sk: "contact",
  gsi3pk: "contact",
  gsi3sk: "ada lovelace#con_01JD7Q6X9Y8Z7W6V5T4S3R2Q1P",
  entityType: "contact",
  id: "con_01JD7Q6X9Y8Z7W6V5T4S3R2Q1P",
  firstName: "Ada",
  lastName: "Lovelace",
  emails: ["ada@example.com"],
  phones: [{ number: "+44 20 7946 0000", label: "work" }],
  lifecycleStage: "lead",
  tags: ["vip"],
  customFields: { tier: "gold" },
  companies: [],
  version: 1,
  createdAt: "2026-11-23T10:00:00.000Z",
  updatedAt: "2026-11-23T10:00:00.000Z",
  createdBy: "user-alice",
  updatedBy: "user-alice",
};

const contactV2: Item = {
  ...contactV1,
  lifecycleStage: "customer",
  ownerId: "user-bob",
  tags: ["vip", "enterprise"],
  version: 2,
  updatedAt: "2026-11-23T11:30:00.000Z",
  updatedBy: "user-bob",
};

const companyV1: Item = {
  pk: "company#co_01JD7Q8A1B2C3D4E5F6G7H8J9K",
  sk: "company",
  gsi3pk: "company",
  gsi3sk: "analytical engines#co_01JD7Q8A1B2C3D4E5F6G7H8J9K",
  entityType: "company",
  id: "co_01JD7Q8A1B2C3D4E5F6G7H8J9K",
  name: "Analytical Engines",
  domain: "engines.example",
  industry: "Computing",
  tags: [],
  customFields: {},
  version: 1,
  createdAt: "2026-11-23T10:05:00.000Z",
  updatedAt: "2026-11-23T10:05:00.000Z",
  createdBy: "user-alice",
  updatedBy: "user-alice",
};

const companyV2: Item = {
  ...companyV1,
  size: "51-200",
  version: 2,
  updatedAt: "2026-11-23T12:00:00.000Z",
  updatedBy: "user-alice",
};

const fieldV1: Item = {
  pk: "custom-fields#contact",
  sk: "field#tier",
  entityType: "custom-field",
  entity: "contact",
  key: "tier",
  label: "Tier",
  type: "single_select",
  required: false,
  options: ["gold", "silver"],
  version: 1,
  createdAt: "2026-11-23T09:00:00.000Z",
  updatedAt: "2026-11-23T09:00:00.000Z",
  createdBy: "user-admin",
  updatedBy: "user-admin",
};

const fieldV2: Item = {
  ...fieldV1,
  options: ["gold", "silver", "bronze"],
  version: 2,
  updatedAt: "2026-11-23T09:30:00.000Z",
};

const webhookV1: Item = {
  pk: "webhook#wh_01JD7QB2C3D4E5F6G7H8J9K0M1",
  sk: "webhook",
  gsi1pk: "webhook#status#active",
  gsi1sk: "wh_01JD7QB2C3D4E5F6G7H8J9K0M1",
  gsi3pk: "webhook",
  gsi3sk: "wh_01JD7QB2C3D4E5F6G7H8J9K0M1",
  entityType: "webhook",
  id: "wh_01JD7QB2C3D4E5F6G7H8J9K0M1",
  url: "https://hooks.example.com/crm",
  eventTypes: ["contact.*"],
  status: "active",
  version: 1,
  createdAt: "2026-11-23T10:10:00.000Z",
  updatedAt: "2026-11-23T10:10:00.000Z",
  createdBy: "user-admin",
  updatedBy: "user-admin",
};

const webhookV2: Item = {
  ...webhookV1,
  eventTypes: ["contact.*", "company.created"],
  description: "Marketing automation",
  version: 2,
  updatedAt: "2026-11-23T12:00:00.000Z",
};

/** What the dispatcher writes when the endpoint keeps failing; `changeVerb` names the event. */
const webhookDisabled: Item = {
  ...webhookV2,
  gsi1pk: "webhook#status#disabled",
  status: "disabled",
  disabledAt: "2026-11-24T07:00:00.000Z",
  disabledReason: "5 deliveries in a row failed (failing since 2026-11-23T13:00:00.000Z)",
  version: 3,
  updatedAt: "2026-11-24T07:00:00.000Z",
  updatedBy: "system",
  changeVerb: "disabled",
};

const at = (iso: string) => new Date(iso);

const tombstone = (record: Item, id: string, deletedBy: string, when: string): Item =>
  tombstoneItem(
    { pk: String(record.pk), sk: String(record.sk) },
    {
      entityType: String(record.entityType),
      id,
      version: Number(record.version),
      deletedBy,
    },
    at(when),
  );

let sequence = 100_000_000_000_000_000_000n;

/** A stream record as Lambda's DynamoDB event source delivers it. */
export const streamRecord = (
  eventName: "INSERT" | "MODIFY" | "REMOVE",
  images: { readonly old?: Item; readonly new?: Item },
): DynamoDBRecord => {
  const image = images.new ?? images.old ?? {};
  sequence += 1n;
  return {
    eventID: `sample-${sequence}`,
    eventName,
    eventVersion: "1.1",
    eventSource: "aws:dynamodb",
    awsRegion: "eu-west-1",
    dynamodb: {
      ApproximateCreationDateTime: 1_795_000_000,
      Keys: marshall({ pk: image.pk, sk: image.sk }) as never,
      ...(images.new ? { NewImage: marshall(images.new) as never } : {}),
      ...(images.old ? { OldImage: marshall(images.old) as never } : {}),
      SequenceNumber: String(sequence),
      SizeBytes: 512,
      StreamViewType: "NEW_AND_OLD_IMAGES",
    },
    eventSourceARN:
      "arn:aws:dynamodb:eu-west-1:123456789012:table/Crm-example-Table/stream/2026-11-23T00:00:00.000",
  };
};

export const sampleItems = { contactV1, contactV2, companyV1, companyV2, fieldV1, fieldV2 };

export const sampleStreamRecords: Readonly<Record<string, DynamoDBRecord>> = {
  [ContactEvents.Created]: streamRecord("INSERT", { new: contactV1 }),
  [ContactEvents.Updated]: streamRecord("MODIFY", { old: contactV1, new: contactV2 }),
  [ContactEvents.Deleted]: streamRecord("INSERT", {
    new: tombstone(contactV2, String(contactV2.id), "user-carol", "2026-11-24T08:00:00.000Z"),
  }),
  [CompanyEvents.Created]: streamRecord("INSERT", { new: companyV1 }),
  [CompanyEvents.Updated]: streamRecord("MODIFY", { old: companyV1, new: companyV2 }),
  [CompanyEvents.Deleted]: streamRecord("INSERT", {
    new: tombstone(companyV2, String(companyV2.id), "user-alice", "2026-11-24T09:00:00.000Z"),
  }),
  [CustomFieldEvents.Created]: streamRecord("INSERT", { new: fieldV1 }),
  [CustomFieldEvents.Updated]: streamRecord("MODIFY", { old: fieldV1, new: fieldV2 }),
  [CustomFieldEvents.Deleted]: streamRecord("INSERT", {
    new: tombstone(fieldV2, "contact.tier", "user-admin", "2026-11-24T10:00:00.000Z"),
  }),
  [WebhookEvents.Created]: streamRecord("INSERT", { new: webhookV1 }),
  [WebhookEvents.Updated]: streamRecord("MODIFY", { old: webhookV1, new: webhookV2 }),
  [WebhookEvents.Deleted]: streamRecord("INSERT", {
    new: tombstone(webhookV2, String(webhookV2.id), "user-admin", "2026-11-24T11:00:00.000Z"),
  }),
  [WebhookEvents.Disabled]: streamRecord("MODIFY", { old: webhookV2, new: webhookDisabled }),
};
