import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { documentClient } from "#lib/db/client";
import { slaPolicyRoutes } from "#lib/sla-policies/routes";
import { ticketRoutes } from "#lib/tickets/routes";
import { createTestTable, type TestTable } from "#test/support/dynamodb";
import { type CostResult, measureDynamoDBCost } from "../../bench/dynamodb-cost.ts";
import { loadHandlers } from "../../bench/handlers.ts";
import { installRequestMeter, type RequestMeter } from "../../bench/request-meter.ts";
import { ticketScenarios } from "../../bench/ticket-scenarios.ts";

/**
 * The DynamoDB requests of every ticket and SLA policy route, exactly: the benchmark's scenarios
 * for these routes, run against DynamoDB Local with the request meter.
 */
let table: TestTable;
let meter: RequestMeter;
let cost: CostResult;

beforeAll(async () => {
  table = await createTestTable("ticket-cost");
  const handlers = await loadHandlers();
  meter = installRequestMeter(documentClient);
  cost = await measureDynamoDBCost(handlers, meter, `t${Date.now().toString(36)}`, ticketScenarios);
});

afterAll(async () => {
  meter.uninstall();
  await table.delete();
});

const requestsOf = (id: string) => cost.figures.find((f) => f.id === id)?.requests;

describe("the cost of the ticket and SLA policy routes", () => {
  it("has a scenario for every route", () => {
    const covered = new Set(cost.figures.map((f) => f.operationId));
    for (const route of [...ticketRoutes, ...slaPolicyRoutes]) {
      expect(covered.has(route.operationId), route.operationId).toBe(true);
    }
  });

  it("reads with one request and lists with one Query per page, whatever the view", () => {
    expect(requestsOf("getTicket")).toEqual({ BatchGetItem: 1 });
    expect(requestsOf("getSlaPolicy")).toEqual({ GetItem: 1 });
    const lists = cost.figures.filter((f) => f.budget === "list");
    expect(lists.map((f) => f.id)).toEqual([
      "listSlaPolicies",
      "listTickets.queue",
      "listTickets.mine",
      "listTickets.team",
      "listTickets.requester",
    ]);
    for (const list of lists) expect(list.requests, list.id).toEqual({ Query: 1 });
  });

  it("creates with one transaction once the policies are read", () => {
    expect(requestsOf("createSlaPolicy")).toEqual({ TransactWriteItems: 1 });
    expect(requestsOf("createTicket")).toEqual({ TransactWriteItems: 1 });
  });

  it("changes with one read and one transaction", () => {
    for (const id of [
      "updateSlaPolicy",
      "deleteSlaPolicy",
      "updateTicket",
      "updateTicket.solve",
      "deleteTicket",
    ]) {
      expect(requestsOf(id), id).toEqual({ GetItem: 1, TransactWriteItems: 1 });
    }
  });

  it("replies with one read and one transaction for the reply and the ticket together", () => {
    expect(requestsOf("replyToTicket")).toEqual({ GetItem: 1, TransactWriteItems: 1 });
  });
});
