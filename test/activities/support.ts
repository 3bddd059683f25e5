import { randomUUID } from "node:crypto";
import { GetCommand, QueryCommand } from "@aws-sdk/lib-dynamodb";
import type { BusEvent } from "#events/envelope";
import { streamRecord } from "#events/samples";
import type { Principal } from "#lib/auth/principal";
import { createCompany } from "#lib/companies/service";
import { createContact } from "#lib/contacts/service";
import { documentClient, tableName } from "#lib/db/client";
import type { ItemKey } from "#lib/db/record-store";
import { domainEventOf } from "#lib/events/change-events";

/** Shared by the activity and engagement tests against DynamoDB Local. */
export const alice: Principal = { userId: "alice", roles: ["sales"] };

export type Item = Record<string, unknown>;

export const newContact = (firstName: string) =>
  createContact(
    { firstName, emails: [], phones: [], lifecycleStage: "lead", tags: [], customFields: {} },
    alice,
  );

export const newCompany = (name: string) =>
  createCompany({ name, tags: [], customFields: {} }, alice);

/** An item as the table holds it, internal attributes and all. */
export const rawItem = async (key: ItemKey): Promise<Item | undefined> =>
  (
    await documentClient.send(
      new GetCommand({ TableName: tableName(), Key: key, ConsistentRead: true }),
    )
  ).Item;

/** Every item of a partition of the table. */
export const partitionItems = async (pk: string): Promise<Item[]> =>
  (
    await documentClient.send(
      new QueryCommand({
        TableName: tableName(),
        KeyConditionExpression: "pk = :pk",
        ExpressionAttributeValues: { ":pk": pk },
        ConsistentRead: true,
      }),
    )
  ).Items ?? [];

/**
 * The bus event the stream publisher sends for a write that left `next` (and replaced `previous`):
 * the publisher's own mapping (`domainEventOf`) on the stream record the write produces.
 */
export const eventOfWrite = (previous: Item | undefined, next: Item): BusEvent => {
  const event = domainEventOf(
    streamRecord(previous ? "MODIFY" : "INSERT", {
      ...(previous ? { old: previous } : {}),
      new: next,
    }),
  );
  if (!event) throw new Error("The write announces no event");
  return {
    id: randomUUID(),
    source: "crm",
    "detail-type": event.detailType,
    time: event.envelope.occurredAt,
    detail: event.envelope,
  };
};
