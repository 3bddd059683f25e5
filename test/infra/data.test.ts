import { beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { table } from "#lib/wiring/table";
import { type Synthesized, synthesize } from "#test/infra/synthesize";
import { resourcesOf } from "#test/infra/template-resources";

const globalTable = z.looseObject({
  KeySchema: z.array(z.object({ AttributeName: z.string(), KeyType: z.string() })),
  AttributeDefinitions: z.array(z.object({ AttributeName: z.string(), AttributeType: z.string() })),
  BillingMode: z.string(),
  StreamSpecification: z.object({ StreamViewType: z.string() }),
  TimeToLiveSpecification: z.object({ AttributeName: z.string(), Enabled: z.boolean() }),
  GlobalSecondaryIndexes: z.array(
    z.looseObject({
      IndexName: z.string(),
      KeySchema: z.array(z.object({ AttributeName: z.string(), KeyType: z.string() })),
      Projection: z.object({ ProjectionType: z.string() }),
    }),
  ),
  Replicas: z.array(
    z.looseObject({
      PointInTimeRecoverySpecification: z.object({ PointInTimeRecoveryEnabled: z.boolean() }),
      DeletionProtectionEnabled: z.boolean().optional(),
    }),
  ),
  TableName: z.string().optional(),
});

const onlyTableOf = (synthesized: Synthesized) => {
  const tables = resourcesOf(synthesized.template, "AWS::DynamoDB::GlobalTable", globalTable);
  expect(tables).toHaveLength(1);
  const [only] = tables;
  if (!only) throw new Error("no table");
  return only;
};

describe("the CRM table", () => {
  let retained: Synthesized;
  beforeAll(() => {
    retained = synthesize();
  });

  it("has the declared key schema, on demand, with a generated name", () => {
    const { properties } = onlyTableOf(retained);
    expect(properties.KeySchema).toEqual([
      { AttributeName: table.partitionKey, KeyType: "HASH" },
      { AttributeName: table.sortKey, KeyType: "RANGE" },
    ]);
    expect(properties.BillingMode).toBe("PAY_PER_REQUEST");
    expect(properties.TableName).toBeUndefined();
  });

  it("has exactly the declared global indexes, projecting all attributes", () => {
    const { properties } = onlyTableOf(retained);
    expect(
      properties.GlobalSecondaryIndexes.map((index) => ({
        indexName: index.IndexName,
        partitionKey: index.KeySchema.find((key) => key.KeyType === "HASH")?.AttributeName,
        sortKey: index.KeySchema.find((key) => key.KeyType === "RANGE")?.AttributeName,
        projection: index.Projection.ProjectionType,
      })),
    ).toEqual(table.globalIndexes.map((index) => ({ ...index, projection: "ALL" })));
    const keyAttributes: string[] = [
      table.partitionKey,
      table.sortKey,
      ...table.globalIndexes.flatMap((index) => [index.partitionKey, index.sortKey]),
    ];
    expect(properties.AttributeDefinitions).toEqual(
      expect.arrayContaining(
        keyAttributes.map((name) => ({ AttributeName: name, AttributeType: "S" })),
      ),
    );
  });

  it("streams new and old images and expires items by the ttl attribute", () => {
    const { properties } = onlyTableOf(retained);
    expect(properties.StreamSpecification).toEqual({ StreamViewType: "NEW_AND_OLD_IMAGES" });
    expect(properties.TimeToLiveSpecification).toEqual({
      AttributeName: table.timeToLiveAttribute,
      Enabled: true,
    });
  });

  it("has point-in-time recovery on, explicitly (cdk-nag does not check TableV2 for it)", () => {
    for (const replica of onlyTableOf(retained).properties.Replicas) {
      expect(replica.PointInTimeRecoverySpecification).toEqual({
        PointInTimeRecoveryEnabled: true,
      });
    }
  });

  it("is retained and deletion-protected as the example customer configures", () => {
    const kept = onlyTableOf(retained);
    expect(kept.deletionPolicy).toBe("Retain");
    expect(kept.properties.Replicas.every((r) => r.DeletionProtectionEnabled === true)).toBe(true);
  });
});
