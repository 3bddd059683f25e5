import {
  BatchGetCommand,
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
} from "@aws-sdk/lib-dynamodb";
import { allContactsPartition, contactKey, contactModel } from "#lib/contacts/keys";
import type { Contact } from "#lib/contacts/schema";
import { revisionKey } from "#lib/custom-fields/keys";
import { documentClient, tableName } from "#lib/db/client";
import { toRecord } from "#lib/db/record-store";
import { engagementKey } from "#lib/engagement/keys";
import { DEFAULT_PAGE_SIZE } from "#lib/records/common-schema";
import { recordItems } from "./seed.ts";

/**
 * The floors of the warm latency benchmark: the DynamoDB requests each contacts route needs,
 * sent through the handlers' own document client (same connection pool, same marshalling), with
 * the same parameters the record store sends. The handler's time over this is what our layers
 * cost: middy, validation, logging, the domain code and the response.
 */

/** GET /contacts/{id}: one consistent BatchGetItem of the record and its engagement. */
export const rawGet = async (id: string): Promise<void> => {
  const key = contactKey(id);
  await documentClient.send(
    new BatchGetCommand({
      RequestItems: { [tableName()]: { Keys: [key, engagementKey(key)], ConsistentRead: true } },
    }),
  );
};

/** The custom field revision check every record write carries (no definitions: revision 0). */
const noDefinitionsYet = () => ({
  ConditionCheck: {
    TableName: tableName(),
    Key: revisionKey("contact"),
    ConditionExpression: "attribute_not_exists(pk)",
  },
});

/** POST /contacts: the record, its email guard and tag facets, in one TransactWriteItems. */
export const rawCreate = async (contact: Contact): Promise<void> => {
  const [main, ...facets] = recordItems(contactModel, contact);
  await documentClient.send(
    new TransactWriteCommand({
      TransactItems: [
        {
          Put: {
            TableName: tableName(),
            Item: main,
            ConditionExpression: "attribute_not_exists(pk)",
            ReturnValuesOnConditionCheckFailure: "ALL_OLD",
          },
        },
        ...facets.map((Item) =>
          Item.facetName === "email"
            ? {
                Put: {
                  TableName: tableName(),
                  Item,
                  ConditionExpression: "attribute_not_exists(pk) OR id = :id",
                  ExpressionAttributeValues: { ":id": contact.id },
                  ReturnValuesOnConditionCheckFailure: "ALL_OLD" as const,
                },
              }
            : { Put: { TableName: tableName(), Item } },
        ),
        noDefinitionsYet(),
      ],
    }),
  );
};

/**
 * PATCH /contacts/{id}: the GetItem that reads the current record, then one TransactWriteItems
 * that rewrites it and its facets, conditioned on the version read.
 */
export const rawUpdate = async (id: string, jobTitle: string): Promise<void> => {
  const { Item } = await documentClient.send(
    new GetCommand({ TableName: tableName(), Key: contactKey(id), ConsistentRead: true }),
  );
  if (!Item) throw new Error(`No contact ${id} to update`);
  // Without the stored keys, as the store reads it: the facets must not inherit the main
  // item's index keys.
  const before = toRecord<Contact>(Item);
  const after: Contact = {
    ...before,
    jobTitle,
    version: before.version + 1,
    updatedAt: new Date().toISOString(),
  };
  const [main, ...facets] = recordItems(contactModel, after);
  await documentClient.send(
    new TransactWriteCommand({
      TransactItems: [
        {
          Put: {
            TableName: tableName(),
            Item: main,
            ConditionExpression: "version = :previousVersion",
            ExpressionAttributeValues: { ":previousVersion": before.version },
            ReturnValuesOnConditionCheckFailure: "ALL_OLD",
          },
        },
        // Facets the record keeps are rewritten without a condition, as the store does.
        ...facets.map((Item) => ({ Put: { TableName: tableName(), Item } })),
        noDefinitionsYet(),
      ],
    }),
  );
};

export interface RawListQuery {
  readonly index: "gsi1" | "gsi2" | "gsi3";
  readonly partition: string;
  readonly sortBeginsWith?: string;
}

/** A list page: one Query of an index, one item more than the page, as `listRecords` sends. */
export const rawQuery = async (query: RawListQuery): Promise<void> => {
  const prefix = query.sortBeginsWith;
  await documentClient.send(
    new QueryCommand({
      TableName: tableName(),
      IndexName: query.index,
      KeyConditionExpression:
        prefix === undefined ? "#pk = :pk" : "#pk = :pk AND begins_with(#sk, :prefix)",
      ExpressionAttributeNames: {
        "#pk": `${query.index}pk`,
        ...(prefix === undefined ? {} : { "#sk": `${query.index}sk` }),
      },
      ExpressionAttributeValues: {
        ":pk": query.partition,
        ...(prefix === undefined ? {} : { ":prefix": prefix }),
      },
      Limit: DEFAULT_PAGE_SIZE + 1,
      ScanIndexForward: true,
    }),
  );
};

/** GET /contacts: one Query of the name index. */
export const rawList = (): Promise<void> =>
  rawQuery({ index: "gsi3", partition: allContactsPartition });
