/**
 * The single DynamoDB table, declared once. The CDK builds it from this declaration and the
 * local runtime creates it in DynamoDB Local from the same object, so the two cannot differ.
 *
 * The key attributes are generic: every entity module owns the formats of the values it writes
 * into them (see `lib/<capability>/keys.ts` and `docs/data-model.md`).
 */
export interface GlobalIndexDeclaration {
  readonly indexName: string;
  readonly partitionKey: string;
  readonly sortKey: string;
}

export interface TableDeclaration {
  readonly partitionKey: string;
  readonly sortKey: string;
  readonly globalIndexes: readonly GlobalIndexDeclaration[];
  readonly timeToLiveAttribute: string;
  readonly stream: "NEW_AND_OLD_IMAGES";
}

export const table = {
  partitionKey: "pk",
  sortKey: "sk",
  globalIndexes: [
    { indexName: "gsi1", partitionKey: "gsi1pk", sortKey: "gsi1sk" },
    { indexName: "gsi2", partitionKey: "gsi2pk", sortKey: "gsi2sk" },
    { indexName: "gsi3", partitionKey: "gsi3pk", sortKey: "gsi3sk" },
  ],
  timeToLiveAttribute: "ttl",
  stream: "NEW_AND_OLD_IMAGES",
} as const satisfies TableDeclaration;

export type IndexName = (typeof table.globalIndexes)[number]["indexName"];
