import type { CostScenario, Fixtures } from "./route-scenarios.ts";

/**
 * The lead conversion route's cost scenarios: a conversion that creates a contact, a company and
 * a deal, one that links an existing contact and company, and a repeat.
 *
 * The pipeline comes from the setup's `POST /pipelines`, which leaves it in the per-instance
 * pipeline cache (the bench runs every function in one process), and the contact, company and
 * deal custom field definitions were read by earlier scenarios: the figures are the steady state.
 */
const pipelineBody = (n: number) => ({
  name: `Conversion pipeline ${n}`,
  stages: [
    { name: "Qualified", winProbability: 20 },
    { name: "Won", winProbability: 100, closed: true, won: true },
    { name: "Lost", winProbability: 0, closed: true },
  ],
});

/** A qualified lead with its own email and domain, and a pipeline for its deal. */
const qualifiedLead = async (f: Fixtures, over: Record<string, unknown> = {}) => {
  const n = f.next();
  const created = await f.call(
    {
      routeKey: "POST /leads",
      body: {
        firstName: "Grace",
        lastName: `Hopper ${n}`,
        email: `grace-${n}-${f.run}@convert.example`.toLowerCase(),
        companyName: `Cobol Systems ${n}`,
        domain: `cobol-${n}-${f.run}.example`.toLowerCase(),
        source: "referral",
        ownerId: "owner-1",
        ...over,
      },
    },
    201,
  );
  const leadId = String(created.json?.id);
  await f.call(
    {
      routeKey: "POST /leads/{leadId}/status",
      pathParameters: { leadId },
      body: { status: "qualified" },
    },
    200,
  );
  const pipeline = await f.call({ routeKey: "POST /pipelines", body: pipelineBody(n) }, 201);
  return { leadId, pipelineId: String(pipeline.json?.id) };
};

const convert = (leadId: string, body: unknown) => ({
  routeKey: "POST /leads/{leadId}/convert",
  pathParameters: { leadId },
  body,
});

export const leadConversionScenarios: readonly CostScenario[] = [
  {
    id: "convertLead",
    operationId: "convertLead",
    label: "POST /leads/{id}/convert (new contact, company and deal)",
    budget: "create",
    expectStatus: 200,
    prepare: async (f) => {
      const { leadId, pipelineId } = await qualifiedLead(f);
      return convert(leadId, { createDeal: { pipelineId, amount: 10_000_00 } });
    },
    note:
      "Reads the lead (its version is the condition), the email guard and the domain guard " +
      "(3 GetItem), then one transaction writes the lead, the contact with its guard and " +
      "company facet, the company with its guard and counter, and the deal with its facets " +
      "and stage counter.",
  },
  {
    id: "convertLead.existing",
    operationId: "convertLead",
    label: "POST /leads/{id}/convert (existing contact and company linked)",
    budget: "create",
    expectStatus: 200,
    prepare: async (f) => {
      const [contact, company] = [await f.contact(), await f.company()];
      const { leadId } = await qualifiedLead(f, { email: contact.email, domain: company.domain });
      return convert(leadId, {});
    },
    note:
      "The same reads; the transaction associates the existing contact with the company " +
      "(its item and facets rewritten, the company's contact count moved) and checks the company.",
  },
  {
    id: "convertLead.repeat",
    operationId: "convertLead",
    label: "POST /leads/{id}/convert (converted already)",
    budget: "read",
    expectStatus: 200,
    prepare: async (f) => {
      const { leadId } = await qualifiedLead(f);
      const request = convert(leadId, {});
      await f.call(request, 200);
      return request;
    },
    note: "The lead read refuses a second conversion; a second read answers with the first.",
  },
];
