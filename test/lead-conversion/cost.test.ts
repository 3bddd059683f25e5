import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { documentClient } from "#lib/db/client";
import { createTestTable, type TestTable } from "#test/support/dynamodb";
import { type CostResult, measureDynamoDBCost } from "../../bench/dynamodb-cost.ts";
import { forecastScenarios } from "../../bench/forecast-scenarios.ts";
import { loadHandlers } from "../../bench/handlers.ts";
import { leadConversionScenarios } from "../../bench/lead-conversion-scenarios.ts";
import { installRequestMeter, type RequestMeter } from "../../bench/request-meter.ts";

/**
 * The DynamoDB requests of the conversion and forecast routes, exactly: the benchmark's
 * scenarios, run against DynamoDB Local with the request meter, after one uncounted conversion
 * that reads and caches the custom field definitions (as an instance's first write does).
 */
let table: TestTable;
let meter: RequestMeter;
let cost: CostResult;

beforeAll(async () => {
  table = await createTestTable("conversion-cost");
  const handlers = await loadHandlers();
  meter = installRequestMeter(documentClient);
  const [first] = leadConversionScenarios;
  if (!first) throw new Error("no conversion scenario");
  cost = await measureDynamoDBCost(handlers, meter, `t${Date.now().toString(36)}`, [
    { ...first, id: "warm-up" },
    ...leadConversionScenarios,
    ...forecastScenarios,
  ]);
});

afterAll(async () => {
  meter.uninstall();
  await table.delete();
});

const requestsOf = (id: string) => cost.figures.find((f) => f.id === id)?.requests;

describe("the cost of converting leads and reading the forecast", () => {
  it("converts with the lead and its two guards read, then one transaction", () => {
    expect(requestsOf("convertLead")).toEqual({ GetItem: 3, TransactWriteItems: 1 });
    expect(requestsOf("convertLead.existing")).toEqual({ GetItem: 3, TransactWriteItems: 1 });
  });

  it("answers a repeat with two reads of the lead and no write", () => {
    expect(requestsOf("convertLead.repeat")).toEqual({ GetItem: 2 });
  });

  it("reads a forecast with one Query, whatever the period or owner", () => {
    expect(requestsOf("getForecast")).toEqual({ Query: 1 });
    expect(requestsOf("getForecast.owner")).toEqual({ Query: 1 });
  });
});
