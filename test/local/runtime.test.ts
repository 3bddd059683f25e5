import { GetItemCommand } from "@aws-sdk/client-dynamodb";
import { marshall, unmarshall } from "@aws-sdk/util-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { contactKey } from "#lib/contacts/keys";
import type { Problem } from "#lib/http/problem";
import { localDynamoDBClient } from "#local/dynamodb-local";
import { startTestRuntime, type TestRuntime } from "#test/support/local-runtime";

/**
 * The local runtime with the real functions: the wiring declaration's routes served over HTTP,
 * the handlers loaded from their entries, talking to the table in DynamoDB Local. This checks
 * the runtime's side of the contract (environment, table, authorizer claims, roles); the
 * handlers' own behaviour has its own tests.
 */

interface Contact {
  readonly id: string;
  readonly firstName: string;
  readonly version: number;
  readonly createdBy: string;
}

let crm: TestRuntime;

beforeAll(async () => {
  crm = await startTestRuntime();
});

afterAll(async () => {
  await crm?.stop();
});

describe("the local runtime", () => {
  it("sets the handlers' environment before loading them", () => {
    expect(process.env.TABLE_NAME).toBe(crm.runtime.tableName);
    expect(process.env.DYNAMODB_ENDPOINT).toBe(crm.runtime.dynamoEndpoint);
  });

  it("creates a contact through the real handler, as the token's user, in the local table", async () => {
    // Act
    const created = await crm
      .as("sales", "alice")
      .post<Contact>("/contacts", { firstName: "Ada", emails: [`ada-${Date.now()}@example.com`] });

    // Assess
    expect(created.status).toBe(201);
    expect(created.headers.get("location")).toBe(`/contacts/${created.body.id}`);
    expect(created.headers.get("etag")).toBe('"1"');
    expect(created.body).toMatchObject({ firstName: "Ada", version: 1, createdBy: "alice" });

    const fetched = await crm.as("read-only").get<Contact>(`/contacts/${created.body.id}`);
    expect(fetched.status).toBe(200);
    expect(fetched.body.id).toBe(created.body.id);

    // It landed in this runtime's own table in DynamoDB Local.
    const client = localDynamoDBClient(crm.runtime.dynamoEndpoint);
    try {
      const stored = await client.send(
        new GetItemCommand({
          TableName: crm.runtime.tableName,
          Key: marshall(contactKey(created.body.id)),
        }),
      );
      expect(stored.Item && unmarshall(stored.Item)).toMatchObject({
        id: created.body.id,
        createdBy: "alice",
      });
    } finally {
      client.destroy();
    }
  });

  it("passes the token's roles on, so the handler's role check applies", async () => {
    const refused = await crm.as("read-only").post<Problem>("/contacts", { firstName: "Eve" });
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({
      code: "auth.forbidden",
      requestId: refused.headers.get("apigw-requestid"),
    });

    const multi = await crm
      .as(["read-only", "marketing"])
      .post<Contact>("/contacts", { firstName: "Mia" });
    expect(multi.status).toBe(201);
  });

  it("refuses requests without a token before any handler runs", async () => {
    const response = await crm.anonymous.get<Problem>("/contacts");
    expect(response.status).toBe(401);
    expect(response.headers.get("www-authenticate")).toBe("Bearer");
    expect(response.body.code).toBe("auth.unauthenticated");
  });

  it("serves the OpenAPI document", async () => {
    const response = await crm
      .as("read-only")
      .get<{ openapi: string; paths: object }>("/openapi.json");
    expect(response.status).toBe(200);
    expect(response.body.openapi).toMatch(/^3\.1/);
  });

  it("answers 404 and 405 as the gateway, not the handler", async () => {
    expect((await crm.as("admin").get<Problem>("/invoices")).body.code).toBe("route.not_found");
    const wrongMethod = await crm.as("admin").put<Problem>("/contacts", {});
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get("allow")).toBe("GET, POST");
  });

  it("refuses a second runtime on another DynamoDB in the same process", async () => {
    const { startLocalRuntime } = await import("#local/runtime");
    await expect(
      startLocalRuntime({
        port: 0,
        dataDir: crm.runtime.dataDir,
        dynamoPort: 0,
        dynamoEndpoint: "http://127.0.0.1:1",
      }),
    ).rejects.toThrow(/one runtime per process/);
  });
});
