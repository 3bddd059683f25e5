import type { CostScenario, Fixtures } from "./route-scenarios.ts";

/**
 * The lead scoring routes' cost scenarios: the model read and replaced (with and without
 * If-Match), and a lead's score explained.
 */
const model = {
  fitRules: [
    {
      id: "title-head",
      when: { attribute: "title", match: "contains", values: ["head", "vp"] },
      points: 20,
    },
    { id: "germany", when: { attribute: "country", values: ["DE"] }, points: 10 },
    { id: "mid-market", when: { attribute: "employees", min: 100, max: 1000 }, points: 10 },
  ],
  engagementRules: [
    { id: "calls", signal: "activity", activityTypes: ["call", "meeting"], points: 10 },
    {
      id: "clicks",
      signal: "email_clicked",
      points: 5,
      cap: 25,
      decay: { kind: "half_life", days: 14 },
    },
  ],
};

const newLead = async (f: Fixtures) => {
  const n = f.next();
  const created = await f.call(
    {
      routeKey: "POST /leads",
      body: {
        firstName: "Ada",
        lastName: `Byron ${n}`,
        email: `ada-${n}-${f.run}@engines.example`.toLowerCase(),
        title: "Head of Research",
        country: "DE",
        employees: 250,
        source: "import",
      },
    },
    201,
  );
  return String(created.json?.id);
};

const READ_BEFORE_WRITE =
  "Reads the model first (GetItem): its version is the If-Match check and the write's condition.";

export const leadScoringScenarios: readonly CostScenario[] = [
  {
    id: "putLeadScoringModel",
    operationId: "putLeadScoringModel",
    label: "PUT /lead-scoring/model",
    budget: "write",
    expectStatus: 200,
    prepare: async () => ({ routeKey: "PUT /lead-scoring/model", body: model }),
    note: READ_BEFORE_WRITE,
  },
  {
    id: "putLeadScoringModel.ifMatch",
    operationId: "putLeadScoringModel",
    label: "PUT /lead-scoring/model with If-Match",
    budget: "write",
    expectStatus: 200,
    prepare: async (f) => {
      const current = await f.call({ routeKey: "GET /lead-scoring/model" }, 200);
      return {
        routeKey: "PUT /lead-scoring/model",
        body: model,
        headers: { "if-match": String(current.headers.etag) },
      };
    },
    note: READ_BEFORE_WRITE,
  },
  {
    id: "getLeadScoringModel",
    operationId: "getLeadScoringModel",
    label: "GET /lead-scoring/model",
    budget: "read",
    expectStatus: 200,
    prepare: async () => ({ routeKey: "GET /lead-scoring/model" }),
  },
  {
    id: "getLeadScore",
    operationId: "getLeadScore",
    label: "GET /leads/{id}/score",
    budget: "read",
    expectStatus: 200,
    prepare: async (f) => ({
      routeKey: "GET /leads/{leadId}/score",
      pathParameters: { leadId: await newLead(f) },
    }),
    note:
      "Three reads in parallel (one round trip): the lead (GetItem), the model (GetItem) and the " +
      "lead's signals (one Query of its partition), since the explanation is computed from " +
      "them at the time of the request.",
  },
];
