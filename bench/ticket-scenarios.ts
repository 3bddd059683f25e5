import type { CostScenario, Fixtures } from "./route-scenarios.ts";

/**
 * The ticket and SLA policy routes' cost scenarios: CRUD of both, each view of `GET /tickets`,
 * a status move, and a reply.
 *
 * Ticket creation matches the SLA policies from a per-instance copy, conditioned on their
 * revision (lib/sla-policies/policy-set.ts), like custom field definitions. Each creation
 * scenario therefore creates a ticket in its setup first, so that the figure is the steady
 * state: the copy is read again only after a policy changed.
 */
const READ_BEFORE_WRITE =
  "Reads the ticket first (GetItem): the version is the write's condition, and the old state " +
  "says which transition applies, where its SLA clocks stand and which facet moves.";
const POLICY_READ_BEFORE_WRITE =
  "Reads the policy first (GetItem): the version is the write's condition, and the old scope " +
  "says which guard moves; the transaction bumps the policies' revision.";

const HOUR = 3600;
const policyBody = (scope: Record<string, string>) => ({
  name: "Business hours",
  scope,
  targets: {
    low: { firstResponseSeconds: 8 * HOUR, resolutionSeconds: 40 * HOUR },
    normal: { firstResponseSeconds: 4 * HOUR, resolutionSeconds: 24 * HOUR },
    high: { firstResponseSeconds: 2 * HOUR, resolutionSeconds: 16 * HOUR },
    urgent: { firstResponseSeconds: HOUR, resolutionSeconds: 8 * HOUR },
  },
  calendar: {
    timeZone: "Europe/Paris",
    weeklyHours: {
      mon: [{ start: "09:00", end: "17:00" }],
      tue: [{ start: "09:00", end: "17:00" }],
      wed: [{ start: "09:00", end: "17:00" }],
      thu: [{ start: "09:00", end: "17:00" }],
      fri: [{ start: "09:00", end: "17:00" }],
    },
    holidays: ["2026-12-25"],
  },
  warningFraction: 0.75,
});

const newPolicy = async (f: Fixtures) => {
  const created = await f.call(
    { routeKey: "POST /sla-policies", body: policyBody({ teamId: `team-${f.next()}` }) },
    201,
  );
  return String(created.json?.id);
};

const ticketBody = (requesterId: string, over: Record<string, unknown> = {}) => ({
  subject: "The invoice shows the wrong VAT rate",
  description: "Every invoice since Monday.",
  requesterId,
  channel: "email",
  priority: "high",
  assigneeId: "bench-agent",
  teamId: "bench-team",
  tags: ["billing"],
  ...over,
});

const newTicket = async (f: Fixtures, over: Record<string, unknown> = {}) => {
  const created = await f.call(
    { routeKey: "POST /tickets", body: ticketBody((await f.contact()).id, over) },
    201,
  );
  return String(created.json?.id);
};

const ticketRequest = async (f: Fixtures, routeKey: string) => ({
  routeKey,
  pathParameters: { ticketId: await newTicket(f) },
});

export const ticketScenarios: readonly CostScenario[] = [
  {
    id: "createSlaPolicy",
    operationId: "createSlaPolicy",
    label: "POST /sla-policies (with business hours)",
    budget: "create",
    expectStatus: 201,
    prepare: async (f) => ({
      routeKey: "POST /sla-policies",
      body: policyBody({ teamId: `team-${f.next()}`, channel: "email" }),
    }),
    note: "One transaction: the policy, its scope guard and the policies' revision.",
  },
  {
    id: "listSlaPolicies",
    operationId: "listSlaPolicies",
    label: "GET /sla-policies",
    budget: "list",
    expectStatus: 200,
    prepare: async (f) => {
      await newPolicy(f);
      return { routeKey: "GET /sla-policies" };
    },
  },
  {
    id: "getSlaPolicy",
    operationId: "getSlaPolicy",
    label: "GET /sla-policies/{id}",
    budget: "read",
    expectStatus: 200,
    prepare: async (f) => ({
      routeKey: "GET /sla-policies/{slaPolicyId}",
      pathParameters: { slaPolicyId: await newPolicy(f) },
    }),
  },
  {
    id: "updateSlaPolicy",
    operationId: "updateSlaPolicy",
    label: "PATCH /sla-policies/{id} (new warning fraction)",
    budget: "write",
    expectStatus: 200,
    prepare: async (f) => ({
      routeKey: "PATCH /sla-policies/{slaPolicyId}",
      pathParameters: { slaPolicyId: await newPolicy(f) },
      body: { warningFraction: 0.8 },
    }),
    note: POLICY_READ_BEFORE_WRITE,
  },
  {
    id: "deleteSlaPolicy",
    operationId: "deleteSlaPolicy",
    label: "DELETE /sla-policies/{id}",
    budget: "write",
    expectStatus: 204,
    prepare: async (f) => ({
      routeKey: "DELETE /sla-policies/{slaPolicyId}",
      pathParameters: { slaPolicyId: await newPolicy(f) },
    }),
    note: POLICY_READ_BEFORE_WRITE,
  },
  {
    id: "createTicket",
    operationId: "createTicket",
    label: "POST /tickets (a policy matches)",
    budget: "create",
    expectStatus: 201,
    prepare: async (f) => {
      await newPolicy(f);
      // Reads the changed policies (and the ticket custom fields) into the instance's copy.
      await newTicket(f);
      return { routeKey: "POST /tickets", body: ticketBody((await f.contact()).id) };
    },
    note: "One transaction: the ticket, its requester facet, the requester's existence check, and conditions on the custom field definitions' and the SLA policies' revisions.",
  },
  ...(
    [
      ["queue", "GET /tickets (unsolved, by priority then SLA deadline)", {}],
      ["mine", "GET /tickets?assigneeId=me", { assigneeId: "me" }],
      ["team", "GET /tickets?teamId=", { teamId: "bench-team" }],
    ] as const
  ).map(
    ([variant, label, query]): CostScenario => ({
      id: `listTickets.${variant}`,
      operationId: "listTickets",
      label,
      budget: "list",
      expectStatus: 200,
      prepare: async (f) => {
        await newTicket(f, { assigneeId: "bench-user" });
        return { routeKey: "GET /tickets", query: { ...query } };
      },
    }),
  ),
  {
    id: "listTickets.requester",
    operationId: "listTickets",
    label: "GET /tickets?requesterId= (newest first)",
    budget: "list",
    expectStatus: 200,
    prepare: async (f) => {
      const requesterId = (await f.contact()).id;
      await f.call({ routeKey: "POST /tickets", body: ticketBody(requesterId) }, 201);
      return { routeKey: "GET /tickets", query: { requesterId } };
    },
  },
  {
    id: "getTicket",
    operationId: "getTicket",
    label: "GET /tickets/{id}",
    budget: "read",
    expectStatus: 200,
    prepare: (f) => ticketRequest(f, "GET /tickets/{ticketId}"),
    note: "One BatchGetItem reads the ticket and its engagement (a companion item) together.",
  },
  {
    id: "updateTicket",
    operationId: "updateTicket",
    label: "PATCH /tickets/{id} (raise the priority: the clocks retarget)",
    budget: "write",
    expectStatus: 200,
    prepare: async (f) => ({
      ...(await ticketRequest(f, "PATCH /tickets/{ticketId}")),
      body: { priority: "urgent" },
    }),
    note: READ_BEFORE_WRITE,
  },
  {
    id: "updateTicket.solve",
    operationId: "updateTicket",
    label: "PATCH /tickets/{id} (status solved: the clocks stop)",
    budget: "write",
    expectStatus: 200,
    prepare: async (f) => ({
      ...(await ticketRequest(f, "PATCH /tickets/{ticketId}")),
      body: { status: "solved" },
    }),
    note: READ_BEFORE_WRITE,
  },
  {
    id: "deleteTicket",
    operationId: "deleteTicket",
    label: "DELETE /tickets/{id}",
    budget: "write",
    expectStatus: 204,
    prepare: (f) => ticketRequest(f, "DELETE /tickets/{ticketId}"),
    note: READ_BEFORE_WRITE,
  },
  {
    id: "replyToTicket",
    operationId: "replyToTicket",
    label: "POST /tickets/{id}/replies (the first public reply)",
    budget: "create",
    expectStatus: 201,
    prepare: async (f) => ({
      ...(await ticketRequest(f, "POST /tickets/{ticketId}/replies")),
      body: { body: "We are on it.", visibility: "public" },
    }),
    note: "Reads the ticket, then one transaction: the reply's activity, its copies on the ticket's and the requester's timelines, the requester's existence check, and the ticket's conditional write that records the reply (and stamps the first response).",
  },
];
