import type { CostScenario, Fixtures } from "./route-scenarios.ts";

/**
 * The lead routes' cost scenarios: CRUD, the status change, each list view, the assignment
 * configuration, and the public web-form capture.
 */
const READ_BEFORE_WRITE =
  "Reads the lead first (GetItem): its version is the write's condition, and its status says " +
  "which transitions apply and which status view it leaves.";

const leadBody = (f: Fixtures, over: Record<string, unknown> = {}) => {
  const n = f.next();
  return {
    firstName: "Grace",
    lastName: `Hopper ${n}`,
    email: `grace-${n}-${f.run}@cobol.example`.toLowerCase(),
    companyName: "Cobol Systems",
    country: "DE",
    employees: 250,
    source: "import",
    ownerId: "owner-1",
    ...over,
  };
};

const newLead = async (f: Fixtures) => {
  const created = await f.call({ routeKey: "POST /leads", body: leadBody(f) }, 201);
  return String(created.json?.id);
};

const webForm = (f: Fixtures) => ({
  firstName: "Vera",
  email: `vera-${f.next()}-${f.run}@visitor.example`.toLowerCase(),
  companyName: "Visitor GmbH",
  form: "pricing-page",
  consent: true,
  honeypot: "",
});

export const leadScenarios: readonly CostScenario[] = [
  {
    id: "createLead.firstWrite",
    operationId: "createLead",
    label: "POST /leads (first write of an instance)",
    budget: "create",
    expectStatus: 201,
    prepare: async (f) => ({ routeKey: "POST /leads", body: leadBody(f) }),
    note:
      "Once per function instance: the lead custom field definitions are read (1 Query) and " +
      "cached; every later write is the steady-state row.",
  },
  {
    id: "createLead",
    operationId: "createLead",
    label: "POST /leads",
    budget: "create",
    expectStatus: 201,
    prepare: async (f) => ({ routeKey: "POST /leads", body: leadBody(f) }),
  },
  {
    id: "captureWebFormLead",
    operationId: "captureWebFormLead",
    label: "POST /web-forms/leads (public)",
    budget: "create",
    expectStatus: 201,
    prepare: async (f) => ({ routeKey: "POST /web-forms/leads", body: webForm(f) }),
    note: "No custom field definitions are read: a web-form lead carries no custom fields.",
  },
  {
    id: "captureWebFormLead.idempotencyKey",
    operationId: "captureWebFormLead",
    label: "POST /web-forms/leads with Idempotency-Key",
    budget: "create",
    expectStatus: 201,
    prepare: async (f) => ({
      routeKey: "POST /web-forms/leads",
      body: webForm(f),
      headers: { "idempotency-key": `form-${f.next()}` },
    }),
    note: "The key is claimed before and the response stored after the write: 3 requests.",
  },
  {
    id: "getLead",
    operationId: "getLead",
    label: "GET /leads/{id}",
    budget: "read",
    expectStatus: 200,
    prepare: async (f) => ({
      routeKey: "GET /leads/{leadId}",
      pathParameters: { leadId: await newLead(f) },
    }),
  },
  ...(
    [
      ["status", "GET /leads?status=new (by score)", { status: "new" }],
      ["ownerId", "GET /leads?ownerId=owner-1", { ownerId: "owner-1" }],
      ["source", "GET /leads?source=import", { source: "import" }],
    ] as const
  ).map(
    ([variant, label, query]): CostScenario => ({
      id: `listLeads.${variant}`,
      operationId: "listLeads",
      label,
      budget: "list",
      expectStatus: 200,
      prepare: async () => ({ routeKey: "GET /leads", query: { ...query } }),
    }),
  ),
  {
    id: "listLeads.nextPage",
    operationId: "listLeads",
    label: "GET /leads?status=new&cursor= (next page)",
    budget: "list",
    expectStatus: 200,
    prepare: async (f) => {
      await newLead(f);
      await newLead(f);
      const first = await f.call(
        { routeKey: "GET /leads", query: { status: "new", limit: "1" } },
        200,
      );
      return {
        routeKey: "GET /leads",
        query: { status: "new", limit: "1", cursor: String(first.json?.nextCursor) },
      };
    },
  },
  {
    id: "updateLead",
    operationId: "updateLead",
    label: "PATCH /leads/{id}",
    budget: "write",
    expectStatus: 200,
    prepare: async (f) => ({
      routeKey: "PATCH /leads/{leadId}",
      pathParameters: { leadId: await newLead(f) },
      body: { title: "CTO", employees: 300 },
    }),
    note: READ_BEFORE_WRITE,
  },
  {
    id: "changeLeadStatus",
    operationId: "changeLeadStatus",
    label: "POST /leads/{id}/status",
    budget: "write",
    expectStatus: 200,
    prepare: async (f) => ({
      routeKey: "POST /leads/{leadId}/status",
      pathParameters: { leadId: await newLead(f) },
      body: { status: "working" },
    }),
    note: READ_BEFORE_WRITE,
  },
  {
    id: "deleteLead",
    operationId: "deleteLead",
    label: "DELETE /leads/{id}",
    budget: "write",
    expectStatus: 204,
    prepare: async (f) => ({
      routeKey: "DELETE /leads/{leadId}",
      pathParameters: { leadId: await newLead(f) },
    }),
    note: READ_BEFORE_WRITE,
  },
  {
    id: "putLeadAssignment",
    operationId: "putLeadAssignment",
    label: "PUT /lead-assignment",
    budget: "write",
    expectStatus: 200,
    prepare: async () => ({
      routeKey: "PUT /lead-assignment",
      body: {
        teams: [{ id: "dach", name: "DACH", members: ["rep-1", "rep-2"] }],
        rules: [
          { name: "DACH", when: { countries: ["DE", "AT", "CH"] }, assignTo: { teamId: "dach" } },
        ],
      },
    }),
    note:
      "Reads the stored configuration (GetItem) for its version, then replaces it with a " +
      "condition on that version.",
  },
  {
    id: "getLeadAssignment",
    operationId: "getLeadAssignment",
    label: "GET /lead-assignment",
    budget: "read",
    expectStatus: 200,
    prepare: async () => ({ routeKey: "GET /lead-assignment" }),
  },
];
