import type { CostScenario, Fixtures } from "./route-scenarios.ts";

/**
 * The pipeline and deal routes' cost scenarios: CRUD of both, stage moves, and each list of
 * `GET /deals` (a board column, a pipeline, an owner, a contact, a company, all).
 *
 * Deal reads and writes take the pipeline (stage flags, rotting thresholds) from a per-instance
 * cache that keeps a pipeline 30 s (lib/pipelines/cache.ts). Every scenario therefore works on a
 * pipeline made in its own setup, and each list is called once in setup, so the figures are the
 * steady state: a pipeline read per pipeline on a page at most every 30 s is not counted.
 */
const READ_BEFORE_WRITE =
  "Reads the record first (GetItem): the version is the write's condition, and the old state " +
  "says which facets and stage counters move.";

interface BenchPipeline {
  readonly id: string;
  readonly stages: readonly { readonly id: string; readonly name: string }[];
}

const pipelineBody = (n: number) => ({
  name: `Pipeline ${n}`,
  stages: [
    { name: "Qualified", winProbability: 20, rottingDays: 14 },
    { name: "Proposal", winProbability: 60 },
    { name: "Won", winProbability: 100, closed: true, won: true },
    { name: "Lost", winProbability: 0, closed: true },
  ],
});

const newPipeline = async (f: Fixtures): Promise<BenchPipeline> => {
  const created = await f.call({ routeKey: "POST /pipelines", body: pipelineBody(f.next()) }, 201);
  return created.json as unknown as BenchPipeline;
};

const stageOf = (pipeline: BenchPipeline, name: string) =>
  pipeline.stages.find((s) => s.name === name)?.id ?? "";

const dealBody = (f: Fixtures, pipeline: BenchPipeline, over: Record<string, unknown> = {}) => ({
  name: `Deal ${f.next()}`,
  amount: 250_000,
  expectedCloseDate: "2026-12-15",
  pipelineId: pipeline.id,
  ...over,
});

const newDeal = async (
  f: Fixtures,
  pipeline: BenchPipeline,
  over: Record<string, unknown> = {},
) => {
  const created = await f.call({ routeKey: "POST /deals", body: dealBody(f, pipeline, over) }, 201);
  return String(created.json?.id);
};

/** A new pipeline with one new deal in it. */
const dealInNewPipeline = async (f: Fixtures, over: Record<string, unknown> = {}) => {
  const pipeline = await newPipeline(f);
  return { pipeline, dealId: await newDeal(f, pipeline, over) };
};

/** A list request, called once in setup so that the pipelines on its page are cached. */
const warmList = async (f: Fixtures, query: Record<string, string>) => {
  const request = { routeKey: "GET /deals", query };
  await f.call(request, 200);
  return request;
};

export const dealScenarios: readonly CostScenario[] = [
  {
    id: "createPipeline",
    operationId: "createPipeline",
    label: "POST /pipelines (4 stages)",
    budget: "create",
    expectStatus: 201,
    prepare: async (f) => ({ routeKey: "POST /pipelines", body: pipelineBody(f.next()) }),
    note: "One transaction: the pipeline and a deal counter per stage.",
  },
  {
    id: "listPipelines",
    operationId: "listPipelines",
    label: "GET /pipelines",
    budget: "list",
    expectStatus: 200,
    prepare: async () => ({ routeKey: "GET /pipelines" }),
  },
  {
    id: "getPipeline",
    operationId: "getPipeline",
    label: "GET /pipelines/{id} (with deal counts)",
    budget: "read",
    expectStatus: 200,
    prepare: async (f) => ({
      routeKey: "GET /pipelines/{pipelineId}",
      pathParameters: { pipelineId: (await newPipeline(f)).id },
    }),
    note: "One Query of the pipeline's partition returns the pipeline and its stage counters.",
  },
  {
    id: "updatePipeline",
    operationId: "updatePipeline",
    label: "PATCH /pipelines/{id} (a stage added, one deleted)",
    budget: "write",
    expectStatus: 200,
    prepare: async (f) => {
      const pipeline = await newPipeline(f);
      const [, ...kept] = pipeline.stages;
      return {
        routeKey: "PATCH /pipelines/{pipelineId}",
        pathParameters: { pipelineId: pipeline.id },
        body: {
          stages: [{ name: "Discovery", winProbability: 10 }, ...kept],
        },
      };
    },
    note: `${READ_BEFORE_WRITE} The transaction creates and deletes the stage counters.`,
  },
  {
    id: "deletePipeline",
    operationId: "deletePipeline",
    label: "DELETE /pipelines/{id}",
    budget: "write",
    expectStatus: 204,
    prepare: async (f) => ({
      routeKey: "DELETE /pipelines/{pipelineId}",
      pathParameters: { pipelineId: (await newPipeline(f)).id },
    }),
    note: `${READ_BEFORE_WRITE} Each stage counter is deleted on condition that it is zero.`,
  },
  {
    id: "createDeal.firstWrite",
    operationId: "createDeal",
    label: "POST /deals (first write of an instance)",
    budget: "create",
    expectStatus: 201,
    prepare: async (f) => ({ routeKey: "POST /deals", body: dealBody(f, await newPipeline(f)) }),
    note:
      "Once per function instance: the deals' custom field definitions are read (1 Query) and " +
      "cached; every later write is the steady-state row.",
  },
  {
    id: "createDeal",
    operationId: "createDeal",
    label: "POST /deals (with a company)",
    budget: "create",
    expectStatus: 201,
    prepare: async (f) => ({
      routeKey: "POST /deals",
      body: dealBody(f, await newPipeline(f), { companyId: (await f.company()).id }),
    }),
    note:
      "One transaction: the deal, its company facet, the stage counter (+1, on condition that " +
      "the stage still exists with its flags), the company's existence and the definitions' revision.",
  },
  {
    id: "getDeal",
    operationId: "getDeal",
    label: "GET /deals/{id}",
    budget: "read",
    expectStatus: 200,
    prepare: async (f) => ({
      routeKey: "GET /deals/{dealId}",
      pathParameters: { dealId: (await dealInNewPipeline(f)).dealId },
    }),
    note: "One BatchGetItem reads the deal and its engagement (a companion item) together.",
  },
  {
    id: "listDeals.board",
    operationId: "listDeals",
    label: "GET /deals?pipelineId=&stageId= (a board column)",
    budget: "list",
    expectStatus: 200,
    prepare: async (f) => {
      const { pipeline } = await dealInNewPipeline(f);
      return warmList(f, { pipelineId: pipeline.id, stageId: stageOf(pipeline, "Qualified") });
    },
  },
  {
    id: "listDeals.pipelineId",
    operationId: "listDeals",
    label: "GET /deals?pipelineId=",
    budget: "list",
    expectStatus: 200,
    prepare: async (f) => warmList(f, { pipelineId: (await dealInNewPipeline(f)).pipeline.id }),
  },
  {
    id: "listDeals.ownerId",
    operationId: "listDeals",
    label: "GET /deals?ownerId=",
    budget: "list",
    expectStatus: 200,
    prepare: async (f) => {
      const ownerId = `owner-${f.next()}`;
      await dealInNewPipeline(f, { ownerId });
      return warmList(f, { ownerId });
    },
  },
  {
    id: "listDeals.companyId",
    operationId: "listDeals",
    label: "GET /deals?companyId=",
    budget: "list",
    expectStatus: 200,
    prepare: async (f) => {
      const companyId = (await f.company()).id;
      await dealInNewPipeline(f, { companyId });
      return warmList(f, { companyId });
    },
  },
  {
    id: "listDeals.contactId",
    operationId: "listDeals",
    label: "GET /deals?contactId=",
    budget: "list",
    expectStatus: 200,
    prepare: async (f) => {
      const contactId = (await f.contact()).id;
      await dealInNewPipeline(f, { contactId });
      return warmList(f, { contactId });
    },
  },
  {
    id: "listDeals.all",
    operationId: "listDeals",
    label: "GET /deals",
    budget: "list",
    expectStatus: 200,
    prepare: async (f) => warmList(f, {}),
  },
  {
    id: "updateDeal",
    operationId: "updateDeal",
    label: "PATCH /deals/{id}",
    budget: "write",
    expectStatus: 200,
    prepare: async (f) => ({
      routeKey: "PATCH /deals/{dealId}",
      pathParameters: { dealId: (await dealInNewPipeline(f)).dealId },
      body: { amount: 300_000, expectedCloseDate: "2027-01-31" },
    }),
    note: READ_BEFORE_WRITE,
  },
  {
    id: "moveDeal",
    operationId: "moveDeal",
    label: "POST /deals/{id}/stage",
    budget: "write",
    expectStatus: 200,
    prepare: async (f) => {
      const { pipeline, dealId } = await dealInNewPipeline(f);
      return {
        routeKey: "POST /deals/{dealId}/stage",
        pathParameters: { dealId },
        body: { stageId: stageOf(pipeline, "Proposal") },
      };
    },
    note: `${READ_BEFORE_WRITE} The transaction moves both stage counters.`,
  },
  {
    id: "moveDeal.won",
    operationId: "moveDeal",
    label: "POST /deals/{id}/stage (to closed won, with a reason)",
    budget: "write",
    expectStatus: 200,
    prepare: async (f) => {
      const { pipeline, dealId } = await dealInNewPipeline(f);
      return {
        routeKey: "POST /deals/{dealId}/stage",
        pathParameters: { dealId },
        body: { stageId: stageOf(pipeline, "Won"), reason: "Signed" },
      };
    },
    note: READ_BEFORE_WRITE,
  },
  {
    id: "deleteDeal",
    operationId: "deleteDeal",
    label: "DELETE /deals/{id}",
    budget: "write",
    expectStatus: 204,
    prepare: async (f) => ({
      routeKey: "DELETE /deals/{dealId}",
      pathParameters: { dealId: (await dealInNewPipeline(f)).dealId },
    }),
    note: READ_BEFORE_WRITE,
  },
];
