import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Company } from "#lib/companies/schema";
import type { Contact } from "#lib/contacts/schema";
import { SALES_CURRENCIES_VARIABLE } from "#lib/deals/currencies";
import type { DealView } from "#lib/deals/schema";
import { parseBusEvent } from "#lib/events/bus-event";
import { LeadEvents } from "#lib/events/detail-types";
import type { Forecast, ForecastFigures } from "#lib/forecast/schema";
import type { Page } from "#lib/http/response";
import { endOfQuarter } from "#lib/lead-conversion/records";
import type { ConversionResult } from "#lib/lead-conversion/schema";
import type { Lead } from "#lib/leads/schema";
import type { Pipeline } from "#lib/pipelines/schema";
import { type ApiClient, startTestRuntime, type TestRuntime } from "#test/support/local-runtime";

/**
 * From a qualified lead to a won deal through the local runtime over HTTP: the conversion makes
 * the contact, the company and the deal, the deal moves through the stages to won, and the
 * forecast (kept from the deal events on the local bus) follows every step.
 */
let crm: TestRuntime;
let admin: ApiClient;
let sales: ApiClient;
let reader: ApiClient;
let pipeline: Pipeline;
let other: Pipeline;

const now = new Date();
const closeDate = endOfQuarter(now);
const quarter = `${now.getUTCFullYear()}-Q${Math.floor(now.getUTCMonth() / 3) + 1}`;

const pipelineBody = (name: string) => ({
  name,
  stages: [
    { name: "Qualified", winProbability: 20 },
    { name: "Proposal", winProbability: 50 },
    { name: "Negotiation", winProbability: 80 },
    { name: "Closed won", winProbability: 100, closed: true, won: true },
    { name: "Closed lost", winProbability: 0, closed: true },
  ],
});

const stageIdOf = (p: Pipeline, name: string) => p.stages.find((s) => s.name === name)?.id ?? "";

let counter = 0;
/** A lead through the API, moved to `status` through the API. */
const newLead = async (status: "qualified" | "new" = "qualified"): Promise<Lead> => {
  const n = ++counter;
  const created = await sales.post<Lead>("/leads", {
    firstName: "Grace",
    lastName: `Hopper ${n}`,
    email: `grace-${n}@cobol-${n}.example`,
    title: "Rear Admiral",
    companyName: `Cobol Systems ${n}`,
    domain: `cobol-${n}.example`,
    employees: 40,
    source: "referral",
    ownerId: "seller-1",
  });
  expect(created.status).toBe(201);
  if (status === "new") return created.body;
  const qualified = await sales.post<Lead>(`/leads/${created.body.id}/status`, {
    status: "qualified",
  });
  expect(qualified.status).toBe(200);
  return qualified.body;
};

const forecastOf = (p: Pipeline) =>
  reader.get<Forecast>("/forecast", { query: { pipelineId: p.id, period: quarter } });

/** Asks again until the forecast shows `expected`: the recorder follows the bus within moments. */
const forecastShows = async (p: Pipeline, expected: Partial<ForecastFigures>) => {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const response = await forecastOf(p);
    expect(response.status).toBe(200);
    const totals = response.body.totals;
    const matches = Object.entries(expected).every(
      ([key, value]) =>
        JSON.stringify(totals[key as keyof ForecastFigures]) === JSON.stringify(value),
    );
    if (matches || Date.now() > deadline) {
      expect(totals).toMatchObject(expected);
      return response.body;
    }
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
};

beforeAll(async () => {
  process.env[SALES_CURRENCIES_VARIABLE] = '{"base":"EUR","rates":{"USD":0.9}}';
  crm = await startTestRuntime();
  admin = crm.as("admin", "admin-1");
  sales = crm.as("sales", "seller-1");
  reader = crm.as("read-only", "viewer-1");
  pipeline = (await admin.post<Pipeline>("/pipelines", pipelineBody("New business"))).body;
  other = (await admin.post<Pipeline>("/pipelines", pipelineBody("Partners"))).body;
});

afterAll(async () => {
  await crm?.stop();
  delete process.env[SALES_CURRENCIES_VARIABLE];
});

describe("a qualified lead, converted and won", () => {
  it("becomes a contact, a company and a deal, and the forecast follows the deal to won", async () => {
    const empty = await forecastOf(pipeline);
    expect(empty.body).toMatchObject({
      pipelineName: "New business",
      period: { label: quarter, to: closeDate },
      currency: "EUR",
      rates: {},
      thresholds: { commit: 70, bestCase: 40 },
      totals: { pipeline: 0, closedWon: 0 },
    });

    const lead = await newLead();
    const converted = await sales.post<ConversionResult>(`/leads/${lead.id}/convert`, {
      createDeal: {
        pipelineId: pipeline.id,
        amount: 50_000_00,
        currency: "USD",
        expectedCloseDate: closeDate,
      },
    });
    expect(converted.status).toBe(200);
    const { contact, company, deal } = converted.body;
    expect(converted.headers.get("etag")).toBe(`"${converted.body.lead.version}"`);
    expect(converted.body.lead).toMatchObject({
      status: "converted",
      conversion: { contactId: contact.id, companyId: company?.id, dealId: deal?.id },
    });
    expect([contact.created, company?.created, deal?.created]).toEqual([true, true, true]);

    const event = parseBusEvent(
      await crm.bus.waitFor(
        (e) => e["detail-type"] === LeadEvents.Converted && parseBusEvent(e).detail.id === lead.id,
      ),
    );
    expect(event.detail.data).toMatchObject({
      status: "converted",
      conversion: { dealId: deal?.id },
    });

    expect((await reader.get<Contact>(`/contacts/${contact.id}`)).body).toMatchObject({
      emails: [lead.email],
      companies: [{ companyId: company?.id, role: "Rear Admiral" }],
    });
    expect((await reader.get<Company>(`/companies/${company?.id}`)).body).toMatchObject({
      name: lead.companyName,
      domain: lead.domain,
    });
    const dealId = deal?.id ?? "";
    expect((await reader.get<DealView>(`/deals/${dealId}`)).body).toMatchObject({
      amount: 50_000_00,
      currency: "USD",
      stageId: stageIdOf(pipeline, "Qualified"),
      contactId: contact.id,
      companyId: company?.id,
    });
    const contactDeals = await reader.get<Page<DealView>>("/deals", {
      query: { contactId: contact.id },
    });
    expect(contactDeals.body.data.map((d) => d.id)).toEqual([dealId]);

    // 50 000.00 USD at 0.9 is 45 000.00 EUR; Qualified weighs 20%.
    const created = await forecastShows(pipeline, {
      pipeline: 45_000_00,
      weightedPipeline: 9_000_00,
      commit: 0,
      bestCase: 0,
    });
    expect(created.rates).toEqual({ USD: 0.9 });
    expect(created.byOwner.map((o) => [o.ownerId, o.pipeline])).toEqual([["seller-1", 45_000_00]]);

    // Converting again answers with the same conversion.
    const again = await sales.post<ConversionResult>(`/leads/${lead.id}/convert`, {});
    expect(again.status).toBe(200);
    expect(again.body).toEqual(converted.body);

    await sales.post(`/deals/${dealId}/stage`, { stageId: stageIdOf(pipeline, "Proposal") });
    await forecastShows(pipeline, {
      pipeline: 45_000_00,
      weightedPipeline: 22_500_00,
      bestCase: 45_000_00,
      commit: 0,
    });

    await sales.post(`/deals/${dealId}/stage`, { stageId: stageIdOf(pipeline, "Negotiation") });
    await forecastShows(pipeline, {
      weightedPipeline: 36_000_00,
      bestCase: 45_000_00,
      commit: 45_000_00,
    });

    const won = await sales.post<DealView>(`/deals/${dealId}/stage`, {
      stageId: stageIdOf(pipeline, "Closed won"),
      reason: "Signed",
    });
    expect(won.body.status).toBe("won");
    const final = await forecastShows(pipeline, {
      closedWon: 45_000_00,
      pipeline: 0,
      weightedPipeline: 0,
      commit: 0,
      bestCase: 0,
      dealCounts: { open: 0, won: 1, lost: 0 },
    });
    expect(final.byStage.find((s) => s.name === "Closed won")).toMatchObject({
      amount: 45_000_00,
      dealCount: 1,
      category: "closed_won",
    });
  });

  it("makes one contact of concurrent conversions of one lead", async () => {
    const lead = await newLead();
    const responses = await Promise.all(
      Array.from({ length: 4 }, () =>
        sales.post<ConversionResult>(`/leads/${lead.id}/convert`, {}),
      ),
    );
    expect(responses.map((r) => r.status)).toEqual([200, 200, 200, 200]);
    const ids = new Set(responses.map((r) => r.body.contact.id));
    expect(ids.size).toBe(1);
    const byEmail = await reader.get<Page<Contact>>("/contacts", {
      query: { email: lead.email ?? "" },
    });
    expect(byEmail.body.data.map((c) => c.id)).toEqual([...ids]);
  });
});

describe("conversions refused over HTTP, changing nothing", () => {
  const unchanged = async (lead: Lead) => {
    const after = await reader.get<Lead>(`/leads/${lead.id}`);
    expect(after.body).toMatchObject({ status: lead.status });
    expect(after.body.conversion).toBeUndefined();
    const byEmail = await reader.get<Page<Contact>>("/contacts", {
      query: { email: lead.email ?? "" },
    });
    expect(byEmail.body.data).toEqual([]);
  };

  it("refuses an unqualified lead with 409", async () => {
    const lead = await newLead("new");
    const refused = await sales.post(`/leads/${lead.id}/convert`, {
      createDeal: { pipelineId: pipeline.id },
    });
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ code: "lead.not_qualified" });
    await unchanged(lead);
  });

  it("refuses a stage of another pipeline, an unknown currency and a negative amount", async () => {
    const lead = await newLead();
    const wrongStage = await sales.post(`/leads/${lead.id}/convert`, {
      createDeal: { pipelineId: pipeline.id, stageId: stageIdOf(other, "Proposal") },
    });
    expect(wrongStage.status).toBe(422);
    expect(wrongStage.body).toMatchObject({ code: "deal.stage_not_in_pipeline" });
    const currency = await sales.post(`/leads/${lead.id}/convert`, {
      createDeal: { pipelineId: pipeline.id, amount: 100, currency: "JPY" },
    });
    expect(currency.status).toBe(422);
    expect(currency.body).toMatchObject({
      code: "deal.currency_not_allowed",
      allowed: ["EUR", "USD"],
    });
    const negative = await sales.post(`/leads/${lead.id}/convert`, {
      createDeal: { pipelineId: pipeline.id, amount: -1 },
    });
    expect(negative.status).toBe(400);
    expect(negative.body).toMatchObject({
      code: "request.validation_failed",
      errors: [expect.objectContaining({ path: "body.createDeal.amount" })],
    });
    const unknownField = await sales.post(`/leads/${lead.id}/convert`, { status: "converted" });
    expect(unknownField.status).toBe(400);
    const denied = await reader.post(`/leads/${lead.id}/convert`, {});
    expect(denied.status).toBe(403);
    await unchanged(lead);
  });

  it("refuses a forecast of a period it cannot read, or of no pipeline", async () => {
    for (const query of [
      { pipelineId: pipeline.id, period: "2026-Q5" },
      { pipelineId: pipeline.id, period: "2026-13" },
      { pipelineId: pipeline.id },
      { period: "2026-Q4" },
      { pipelineId: pipeline.id, period: "2026-Q4", extra: "1" },
    ]) {
      const response = await reader.get("/forecast", { query });
      expect(response.status, JSON.stringify(query)).toBe(400);
      expect(response.body).toMatchObject({ code: "request.validation_failed" });
    }
    const unknown = await reader.get("/forecast", {
      query: { pipelineId: "pip_01JD3V7K8QW2X9Y4Z5A6B7C8D9", period: "2026-Q4" },
    });
    expect(unknown.status).toBe(404);
  });
});
