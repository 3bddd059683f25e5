import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { documentClient } from "#lib/db/client";
import { functions } from "#lib/wiring/functions";
import { createTestTable, type TestTable } from "#test/support/dynamodb";
import { buildBundles } from "../../bench/bundles.ts";
import { measureColdStart } from "../../bench/cold-start.ts";
import { type CostResult, measureDynamoDBCost } from "../../bench/dynamodb-cost.ts";
import { type Handlers, loadHandlers } from "../../bench/handlers.ts";
import { measureHttpThroughput } from "../../bench/http-throughput.ts";
import {
  FIGURES_END,
  FIGURES_START,
  renderFigures,
  rewriteFiguresSection,
} from "../../bench/report.ts";
import { installRequestMeter, type RequestMeter } from "../../bench/request-meter.ts";
import { measureScale } from "../../bench/scale.ts";
import { runWarmLatencyProcess } from "../../bench/warm-latency-process.ts";

/**
 * A tiny run of the benchmark (`npm run bench`), so that its code cannot rot. Nothing here is
 * about time: the machines are too noisy for that, and the real run compares with floors. What
 * is asserted is deterministic: that every function bundles, and the DynamoDB request counts
 * per route.
 */
describe("the benchmark, in miniature", () => {
  let table: TestTable;
  let handlers: Handlers;
  let meter: RequestMeter;
  let cost: CostResult;
  const run = `t${Date.now().toString(36)}`;

  beforeAll(async () => {
    table = await createTestTable("bench");
    handlers = await loadHandlers();
    meter = installRequestMeter(documentClient);
    // Runs first in this file: the first writes of the "instance" must see no cached definitions.
    cost = await measureDynamoDBCost(handlers, meter, run);
  });
  afterAll(async () => {
    meter.uninstall();
    await table.delete();
  });

  const requestsOf = (id: string) => {
    const figure = cost.figures.find((f) => f.id === id);
    if (!figure) throw new Error(`no cost scenario ${id}`);
    return figure.requests;
  };

  it("measures every route of the route table", () => {
    expect(cost.uncovered).toEqual([]);
  });

  it("never Scans", () => {
    expect(cost.scans).toBe(0);
    for (const figure of cost.figures) expect(figure.requests.Scan, figure.label).toBeUndefined();
  });

  it("reads a record with one GetItem", () => {
    for (const id of ["getWebhook", "getCustomField", "getActivity"]) {
      expect(requestsOf(id), id).toEqual({ GetItem: 1 });
    }
    // With its engagement, a companion item: both in one request.
    for (const id of ["getContact", "getCompany", "getLead", "getDeal"]) {
      expect(requestsOf(id), id).toEqual({ BatchGetItem: 1 });
    }
  });

  it("lists a page with one Query, whatever the filter", () => {
    const lists = cost.figures.filter(
      (f) =>
        f.budget === "list" &&
        // Known exceptions, each explained in the report: an existence check beside the Query.
        !["listCompanyContacts", "listWebhookDeliveries"].includes(f.id) &&
        !f.id.endsWith(".empty"),
    );
    expect(lists.length).toBeGreaterThan(10);
    for (const list of lists) expect(list.requests, list.label).toEqual({ Query: 1 });
  });

  it("creates with one TransactWriteItems once the definitions are cached", () => {
    expect(requestsOf("createContact")).toEqual({ TransactWriteItems: 1 });
    expect(requestsOf("createCompany")).toEqual({ TransactWriteItems: 1 });
    // The first write of an instance reads the definitions once.
    expect(requestsOf("createContact.firstWrite")).toEqual({ Query: 1, TransactWriteItems: 1 });
  });

  it("updates with one read and one transaction, no more", () => {
    expect(requestsOf("updateContact")).toEqual({ GetItem: 1, TransactWriteItems: 1 });
    expect(requestsOf("updateCompany")).toEqual({ GetItem: 1, TransactWriteItems: 1 });
  });

  it("bundles every function as the CDK does, and times the import of a bundle", async () => {
    const outDir = await mkdtemp(join(tmpdir(), "crm-bench-bundles-"));
    try {
      const bundles = await buildBundles(outDir);
      expect(bundles.filter((b) => b.kind === "function").map((b) => b.name)).toEqual(
        Object.keys(functions),
      );
      for (const bundle of bundles) expect(bundle.gzipBytes, bundle.name).toBeGreaterThan(0);
      // One import each of the floors and one function keeps the test short; the bench imports
      // every bundle.
      const sample = bundles.filter((b) => b.kind === "floor" || b.name === "contacts");
      const coldStart = await measureColdStart(sample, 1);
      expect(coldStart.figures.map((f) => f.samplesMs.length)).toEqual(sample.map(() => 1));
    } finally {
      await rm(outDir, { recursive: true, force: true });
    }
    // esbuild bundles every declared function (three dozen), about a second each on 2 cores.
  }, 240_000);

  it("runs the warm latency, HTTP and scale benchmarks and renders the report", async () => {
    const warmLatency = await runWarmLatencyProcess(table.endpoint, 3, 1);
    expect(warmLatency.result.figures.map((f) => f.handler.n)).toEqual([3, 3, 3, 3]);
    expect(warmLatency.peakRssBytes).toBeGreaterThan(0);

    const http = await measureHttpThroughput({
      dynamoEndpoint: table.endpoint,
      tableName: `${table.tableName}-http`,
      connections: 2,
      seconds: 1,
      warmupSeconds: 0,
    });
    expect(http.map((f) => [f.label, f.non2xx, f.errors])).toEqual([
      ["GET /contacts", 0, 0],
      ["POST /contacts", 0, 0],
    ]);

    const scale = await measureScale(handlers, meter, table.client, {
      sizes: [5, 30],
      iterations: 2,
      warmup: 0,
      run,
    });
    for (const figure of scale.figures) {
      expect(figure.identicalRequests, figure.list).toBe(true);
      expect(figure.small.requestMixes, figure.list).toEqual(["Query"]);
    }

    const figures = renderFigures({
      generatedAt: new Date().toISOString(),
      machine: { node: process.versions.node, cpus: 2, cpuModel: "test", platform: "test" },
      durationSeconds: 1,
      coldStart: { iterations: 0, figures: [] },
      warmLatency,
      http,
      cost,
      scale,
    });
    expect(figures).toContain("| GET /contacts/{id} | BatchGetItem |");
    const document = `# Performance\n\n${FIGURES_START}\nold\n${FIGURES_END}\n`;
    expect(rewriteFiguresSection(document, figures)).toContain(`${figures}\n\n${FIGURES_END}`);
  }, 120_000);
});
