import { QueryCommand, type QueryCommandInput } from "@aws-sdk/lib-dynamodb";
import { documentClient, tableName } from "#lib/db/client";

/**
 * A Query of a partition follows pages, but never more than this many: at 1 MB a page, that is
 * far more than the partitions read this way hold (a report's ranges and groupings, see
 * docs/analytics.md; a pipeline and its stage counters). A partition that could outgrow it is
 * read with a loop of its own.
 */
export const MAX_PAGES = 20;

export class TooManyItems extends Error {
  constructor(readonly partition: string) {
    super(`More than ${MAX_PAGES} pages of items in ${partition}`);
    this.name = "TooManyItems";
  }
}

/** Every item of a partition, or of a sort key range of it (both ends included), in sk order. */
export const queryPartition = async (
  pk: string,
  range?: { readonly from: string; readonly to: string } | { readonly prefix: string },
  options: { readonly consistent?: boolean } = {},
): Promise<Record<string, unknown>[]> => {
  const items: Record<string, unknown>[] = [];
  let exclusiveStartKey: QueryCommandInput["ExclusiveStartKey"];
  for (let page = 0; page < MAX_PAGES; page++) {
    const condition = !range
      ? { KeyConditionExpression: "pk = :pk", ExpressionAttributeValues: { ":pk": pk } }
      : "prefix" in range
        ? {
            KeyConditionExpression: "pk = :pk AND begins_with(sk, :prefix)",
            ExpressionAttributeValues: { ":pk": pk, ":prefix": range.prefix },
          }
        : {
            KeyConditionExpression: "pk = :pk AND sk BETWEEN :from AND :to",
            ExpressionAttributeValues: { ":pk": pk, ":from": range.from, ":to": range.to },
          };
    const result = await documentClient.send(
      new QueryCommand({
        TableName: tableName(),
        ...condition,
        ...(options.consistent ? { ConsistentRead: true } : {}),
        ...(exclusiveStartKey ? { ExclusiveStartKey: exclusiveStartKey } : {}),
      }),
    );
    items.push(...(result.Items ?? []));
    if (!result.LastEvaluatedKey) return items;
    exclusiveStartKey = result.LastEvaluatedKey;
  }
  throw new TooManyItems(pk);
};
