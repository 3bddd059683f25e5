import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { documentClient } from "#lib/db/client";
import { dealRoutes } from "#lib/deals/routes";
import { pipelineRoutes } from "#lib/pipelines/routes";
import { createTestTable, type TestTable } from "#test/support/dynamodb";
import { dealScenarios } from "../../bench/deal-scenarios.ts";
import { type CostResult, measureDynamoDBCost } from "../../bench/dynamodb-cost.ts";
import { loadHandlers } from "../../bench/handlers.ts";
import { installRequestMeter, type RequestMeter } from "../../bench/request-meter.ts";

/**
 * The DynamoDB requests of every pipeline and deal route, exactly: the benchmark's scenarios for
 * these routes, run against DynamoDB Local with the request meter.
 */
let table: TestTable;
let meter: RequestMeter;
let cost: CostResult;

beforeAll(async () => {
  table = await createTestTable("deal-cost");
  const handlers = await loadHandlers();
  meter = installRequestMeter(documentClient);
  cost = await measureDynamoDBCost(handlers, meter, `t${Date.now().toString(36)}`, dealScenarios);
});

afterAll(async () => {
  meter.uninstall();
  await table.delete();
});

const requestsOf = (id: string) => cost.figures.find((f) => f.id === id)?.requests;

describe("the cost of the pipeline and deal routes", () => {
  it("has a scenario for every route", () => {
    const covered = new Set(cost.figures.map((f) => f.operationId));
    for (const route of [...pipelineRoutes, ...dealRoutes]) {
      expect(covered.has(route.operationId), route.operationId).toBe(true);
    }
  });

  it("reads with one request and lists with one Query per page, whatever the filter", () => {
    // The deal and its engagement companion item together.
    expect(requestsOf("getDeal")).toEqual({ BatchGetItem: 1 });
    expect(requestsOf("getPipeline")).toEqual({ Query: 1 });
    const lists = cost.figures.filter((f) => f.budget === "list");
    expect(lists.map((f) => f.id)).toEqual([
      "listPipelines",
      "listDeals.board",
      "listDeals.pipelineId",
      "listDeals.ownerId",
      "listDeals.companyId",
      "listDeals.contactId",
      "listDeals.all",
    ]);
    for (const list of lists) expect(list.requests, list.id).toEqual({ Query: 1 });
  });

  it("creates with one transaction once the definitions are cached", () => {
    expect(requestsOf("createPipeline")).toEqual({ TransactWriteItems: 1 });
    expect(requestsOf("createDeal")).toEqual({ TransactWriteItems: 1 });
    expect(requestsOf("createDeal.firstWrite")).toEqual({ Query: 1, TransactWriteItems: 1 });
  });

  it("changes with one read and one transaction", () => {
    for (const id of [
      "updatePipeline",
      "deletePipeline",
      "updateDeal",
      "moveDeal",
      "moveDeal.won",
      "deleteDeal",
    ]) {
      expect(requestsOf(id), id).toEqual({ GetItem: 1, TransactWriteItems: 1 });
    }
  });
});
