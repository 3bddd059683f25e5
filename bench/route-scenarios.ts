import { randomUUID } from "node:crypto";
import { recordHistory } from "#lib/history/service";
import { activityScenarios } from "./activity-scenarios.ts";
import { commentScenarios } from "./comment-scenarios.ts";
import { contactBody, LIST_TAG, NAME_PREFIX } from "./contact-data.ts";
import { csatScenarios } from "./csat-scenarios.ts";
import { dealScenarios } from "./deal-scenarios.ts";
import { forecastScenarios } from "./forecast-scenarios.ts";
import { callExpecting, type Handlers, type RouteRequest, type RouteResponse } from "./handlers.ts";
import { historyScenarios } from "./history-scenarios.ts";
import { leadConversionScenarios } from "./lead-conversion-scenarios.ts";
import { leadScenarios } from "./lead-scenarios.ts";
import { leadScoringScenarios } from "./lead-scoring-scenarios.ts";
import { reportScenarios } from "./report-scenarios.ts";
import { taskScenarios } from "./task-scenarios.ts";
import { ticketScenarios } from "./ticket-scenarios.ts";

/**
 * One or more requests per route of the route table, each a realistic call whose DynamoDB
 * requests are counted. Setup (the records a call needs) runs first and is not counted.
 *
 * The order matters: the first contact and company writes of the run come first, because a
 * function instance reads the custom field definitions on its first write and caches them; and
 * the custom field changes come last, because they make that cache stale.
 */
/** `report`: the directory item and a fixed number of Queries of rollup items, whatever the data. */
export type BudgetKind = "read" | "list" | "create" | "write" | "report";

export interface CostScenario {
  /** Stable id: `<operationId>` or `<operationId>.<variant>`. */
  readonly id: string;
  readonly operationId: string;
  /** What is called, for the table: `GET /contacts?tag=vip`. */
  readonly label: string;
  readonly budget: BudgetKind;
  readonly expectStatus: number;
  /** Runs the setup (not counted) and returns the request whose cost is counted. */
  readonly prepare: (fixtures: Fixtures) => Promise<RouteRequest>;
  /** Why the figure is what it is, where it departs from the budget or needs context. */
  readonly note?: string;
}

export interface Fixtures {
  readonly run: string;
  /** Calls a route (uncounted setup) and insists on its status. */
  call(request: RouteRequest, expectStatus: number): Promise<RouteResponse>;
  /** A new contact (through the API), with its email. */
  contact(): Promise<{ readonly id: string; readonly email: string }>;
  /** A new company (through the API), with its domain. */
  company(): Promise<{ readonly id: string; readonly domain: string }>;
  /** A new contact associated with a new company. */
  associated(): Promise<{ readonly contactId: string; readonly companyId: string }>;
  /**
   * A new contact with the history entry of its creation, as the history recorder writes it
   * from the `contact.created` event (the bus does not run in process, so it is recorded here).
   */
  contactWithHistory(): Promise<{ readonly id: string }>;
  /** A new webhook subscription. */
  webhook(): Promise<{ readonly id: string }>;
  /** A new custom field definition of contacts. */
  customField(): Promise<{ readonly key: string }>;
  /** A number not used before in this run. */
  next(): number;
}

export const createFixtures = (handlers: Handlers, run: string): Fixtures => {
  let counter = 1000;
  const next = () => counter++;
  const contact = async () => {
    const body = contactBody(next(), run);
    const created = await callExpecting(handlers, { routeKey: "POST /contacts", body }, 201);
    return { id: String(created.json?.id), email: body.emails[0] ?? "" };
  };
  const company = async () => {
    const n = next();
    const domain = `company-${n}-${run}.example.com`.toLowerCase();
    const created = await callExpecting(
      handlers,
      {
        routeKey: "POST /companies",
        body: {
          name: `Analytical Engines ${n}`,
          domain,
          industry: "Computing",
          ownerId: "owner-1",
          tags: [LIST_TAG],
        },
      },
      201,
    );
    return { id: String(created.json?.id), domain };
  };
  return {
    run,
    call: (request, expectStatus) => callExpecting(handlers, request, expectStatus),
    next,
    contact,
    company,
    associated: async () => {
      const [{ id: contactId }, { id: companyId }] = [await contact(), await company()];
      await callExpecting(
        handlers,
        {
          routeKey: "PUT /contacts/{contactId}/companies/{companyId}",
          pathParameters: { contactId, companyId },
          body: { role: "Founder" },
        },
        200,
      );
      return { contactId, companyId };
    },
    contactWithHistory: async () => {
      const body = contactBody(next(), run);
      const created = await callExpecting(handlers, { routeKey: "POST /contacts", body }, 201);
      const record = created.json ?? {};
      const id = String(record.id);
      const at = String(record.createdAt);
      await recordHistory({
        id: randomUUID(),
        source: "crm",
        "detail-type": "contact.created",
        time: at,
        detail: {
          schemaVersion: 1,
          eventId: randomUUID(),
          occurredAt: at,
          entity: "contact",
          id,
          version: 1,
          actor: "bench-user",
          data: record,
          changes: {},
        },
      });
      return { id };
    },
    webhook: async () => {
      const created = await callExpecting(
        handlers,
        {
          routeKey: "POST /webhooks",
          body: { url: "https://hooks.example.com/crm", eventTypes: ["contact.*"] },
        },
        201,
      );
      return { id: String(created.json?.id) };
    },
    customField: async () => {
      const key = `tier${next()}`;
      await callExpecting(
        handlers,
        {
          routeKey: "POST /custom-fields",
          body: { entity: "contact", key, label: "Tier", type: "text" },
        },
        201,
      );
      return { key };
    },
  };
};

const FIRST_WRITE =
  "Once per function instance: the custom field definitions are read (1 Query) and cached; " +
  "every later write is the steady-state row.";
const READ_BEFORE_WRITE =
  "Reads the record first (GetItem): the old state says which guard and facet items " +
  "(emails or domain, tags, companies) to move or delete, and which version to condition on.";

/** Every route, with variants where a route has several access paths (list filters). */
export const costScenarios: readonly CostScenario[] = [
  {
    id: "createContact.firstWrite",
    operationId: "createContact",
    label: "POST /contacts (first write of an instance)",
    budget: "create",
    expectStatus: 201,
    prepare: async (f) => ({ routeKey: "POST /contacts", body: contactBody(f.next(), f.run) }),
    note: FIRST_WRITE,
  },
  {
    id: "createCompany.firstWrite",
    operationId: "createCompany",
    label: "POST /companies (first write of an instance)",
    budget: "create",
    expectStatus: 201,
    prepare: async (f) => ({
      routeKey: "POST /companies",
      body: { name: "First Company", domain: `first-${f.run}.example.com`.toLowerCase() },
    }),
    note: FIRST_WRITE,
  },
  {
    id: "createContact",
    operationId: "createContact",
    label: "POST /contacts",
    budget: "create",
    expectStatus: 201,
    prepare: async (f) => ({ routeKey: "POST /contacts", body: contactBody(f.next(), f.run) }),
  },
  {
    id: "createContact.idempotencyKey",
    operationId: "createContact",
    label: "POST /contacts with Idempotency-Key",
    budget: "create",
    expectStatus: 201,
    prepare: async (f) => ({
      routeKey: "POST /contacts",
      body: contactBody(f.next(), f.run),
      headers: { "idempotency-key": `key-${f.next()}` },
    }),
    note:
      "The key is claimed with a conditional PutItem before the operation, and the response is " +
      "stored with an UpdateItem after it, so a keyed create is 3 requests.",
  },
  {
    id: "createContact.idempotentReplay",
    operationId: "createContact",
    label: "POST /contacts, Idempotency-Key replayed",
    budget: "read",
    expectStatus: 201,
    prepare: async (f) => {
      const request: RouteRequest = {
        routeKey: "POST /contacts",
        body: contactBody(f.next(), f.run),
        headers: { "idempotency-key": `key-${f.next()}` },
      };
      await f.call(request, 201);
      return request;
    },
    note: "Counted on the second send: the failed claim returns the stored response.",
  },
  {
    id: "getContact",
    operationId: "getContact",
    label: "GET /contacts/{id}",
    budget: "read",
    expectStatus: 200,
    prepare: async (f) => ({
      routeKey: "GET /contacts/{contactId}",
      pathParameters: { contactId: (await f.contact()).id },
    }),
  },
  ...(
    [
      ["all", "GET /contacts", {}],
      ["tag", `GET /contacts?tag=${LIST_TAG}`, { tag: LIST_TAG }],
      ["q", `GET /contacts?q=${NAME_PREFIX}`, { q: NAME_PREFIX }],
      ["ownerId", "GET /contacts?ownerId=owner-1", { ownerId: "owner-1" }],
      ["lifecycleStage", "GET /contacts?lifecycleStage=lead", { lifecycleStage: "lead" }],
    ] as const
  ).map(
    ([variant, label, query]): CostScenario => ({
      id: `listContacts.${variant}`,
      operationId: "listContacts",
      label,
      budget: "list",
      expectStatus: 200,
      prepare: async () => ({ routeKey: "GET /contacts", query: { ...query } }),
    }),
  ),
  {
    id: "listContacts.nextPage",
    operationId: "listContacts",
    label: "GET /contacts?cursor= (next page)",
    budget: "list",
    expectStatus: 200,
    prepare: async (f) => {
      await f.contact();
      await f.contact();
      const first = await f.call({ routeKey: "GET /contacts", query: { limit: "1" } }, 200);
      return {
        routeKey: "GET /contacts",
        query: { limit: "1", cursor: String(first.json?.nextCursor) },
      };
    },
  },
  {
    id: "listContacts.companyId",
    operationId: "listContacts",
    label: "GET /contacts?companyId=",
    budget: "list",
    expectStatus: 200,
    prepare: async (f) => ({
      routeKey: "GET /contacts",
      query: { companyId: (await f.associated()).companyId },
    }),
  },
  {
    id: "listContacts.email",
    operationId: "listContacts",
    label: "GET /contacts?email= (exact lookup)",
    budget: "read",
    expectStatus: 200,
    prepare: async (f) => ({
      routeKey: "GET /contacts",
      query: { email: (await f.contact()).email },
    }),
  },
  {
    id: "updateContact",
    operationId: "updateContact",
    label: "PATCH /contacts/{id}",
    budget: "write",
    expectStatus: 200,
    prepare: async (f) => ({
      routeKey: "PATCH /contacts/{contactId}",
      pathParameters: { contactId: (await f.contact()).id },
      body: { jobTitle: "Analyst", tags: ["newsletter", "vip"] },
    }),
    note: READ_BEFORE_WRITE,
  },
  {
    id: "updateContact.ifMatch",
    operationId: "updateContact",
    label: 'PATCH /contacts/{id} with If-Match: "1"',
    budget: "write",
    expectStatus: 200,
    prepare: async (f) => ({
      routeKey: "PATCH /contacts/{contactId}",
      pathParameters: { contactId: (await f.contact()).id },
      body: { jobTitle: "Analyst" },
      headers: { "if-match": '"1"' },
    }),
    note: `${READ_BEFORE_WRITE} If-Match does not save the read: the facets still come from it.`,
  },
  {
    id: "associateCompany",
    operationId: "associateCompany",
    label: "PUT /contacts/{id}/companies/{companyId}",
    budget: "write",
    expectStatus: 200,
    prepare: async (f) => ({
      routeKey: "PUT /contacts/{contactId}/companies/{companyId}",
      pathParameters: { contactId: (await f.contact()).id, companyId: (await f.company()).id },
      body: { role: "Founder" },
    }),
    note: READ_BEFORE_WRITE,
  },
  {
    id: "dissociateCompany",
    operationId: "dissociateCompany",
    label: "DELETE /contacts/{id}/companies/{companyId}",
    budget: "write",
    expectStatus: 200,
    prepare: async (f) => {
      const { contactId, companyId } = await f.associated();
      return {
        routeKey: "DELETE /contacts/{contactId}/companies/{companyId}",
        pathParameters: { contactId, companyId },
      };
    },
    note: READ_BEFORE_WRITE,
  },
  {
    id: "deleteContact",
    operationId: "deleteContact",
    label: "DELETE /contacts/{id}",
    budget: "write",
    expectStatus: 204,
    prepare: async (f) => ({
      routeKey: "DELETE /contacts/{contactId}",
      pathParameters: { contactId: (await f.associated()).contactId },
    }),
    note: READ_BEFORE_WRITE,
  },
  {
    id: "createCompany",
    operationId: "createCompany",
    label: "POST /companies",
    budget: "create",
    expectStatus: 201,
    prepare: async (f) => ({
      routeKey: "POST /companies",
      body: {
        name: `Difference Engines ${f.next()}`,
        domain: `difference-${f.next()}-${f.run}.example.com`.toLowerCase(),
        tags: [LIST_TAG],
      },
    }),
  },
  {
    id: "getCompany",
    operationId: "getCompany",
    label: "GET /companies/{id}",
    budget: "read",
    expectStatus: 200,
    prepare: async (f) => ({
      routeKey: "GET /companies/{companyId}",
      pathParameters: { companyId: (await f.company()).id },
    }),
  },
  ...(
    [
      ["all", "GET /companies", {}],
      ["tag", `GET /companies?tag=${LIST_TAG}`, { tag: LIST_TAG }],
      ["q", "GET /companies?q=analytical", { q: "analytical" }],
      ["industry", "GET /companies?industry=computing", { industry: "computing" }],
      ["ownerId", "GET /companies?ownerId=owner-1", { ownerId: "owner-1" }],
    ] as const
  ).map(
    ([variant, label, query]): CostScenario => ({
      id: `listCompanies.${variant}`,
      operationId: "listCompanies",
      label,
      budget: "list",
      expectStatus: 200,
      prepare: async () => ({ routeKey: "GET /companies", query: { ...query } }),
    }),
  ),
  {
    id: "listCompanies.domain",
    operationId: "listCompanies",
    label: "GET /companies?domain= (exact lookup)",
    budget: "read",
    expectStatus: 200,
    prepare: async (f) => ({
      routeKey: "GET /companies",
      query: { domain: (await f.company()).domain },
    }),
  },
  {
    id: "updateCompany",
    operationId: "updateCompany",
    label: "PATCH /companies/{id}",
    budget: "write",
    expectStatus: 200,
    prepare: async (f) => ({
      routeKey: "PATCH /companies/{companyId}",
      pathParameters: { companyId: (await f.company()).id },
      body: { size: "11-50" },
    }),
    note: READ_BEFORE_WRITE,
  },
  {
    id: "listCompanyContacts",
    operationId: "listCompanyContacts",
    label: "GET /companies/{id}/contacts",
    budget: "list",
    expectStatus: 200,
    prepare: async (f) => ({
      routeKey: "GET /companies/{companyId}/contacts",
      pathParameters: { companyId: (await f.associated()).companyId },
    }),
    note:
      "A GetItem of the company runs beside the Query (in parallel, so one round trip of " +
      "latency) so that an unknown company is a 404 rather than an empty page.",
  },
  {
    id: "deleteCompany",
    operationId: "deleteCompany",
    label: "DELETE /companies/{id}",
    budget: "write",
    expectStatus: 204,
    prepare: async (f) => ({
      routeKey: "DELETE /companies/{companyId}",
      pathParameters: { companyId: (await f.company()).id },
    }),
    note: READ_BEFORE_WRITE,
  },
  {
    id: "getContactHistory",
    operationId: "getContactHistory",
    label: "GET /contacts/{id}/history",
    budget: "list",
    expectStatus: 200,
    prepare: async (f) => ({
      routeKey: "GET /contacts/{contactId}/history",
      pathParameters: { contactId: (await f.contactWithHistory()).id },
    }),
  },
  ...historyScenarios,
  {
    id: "listEvents",
    operationId: "listEvents",
    label: "GET /events",
    budget: "list",
    expectStatus: 200,
    prepare: async () => ({ routeKey: "GET /events" }),
  },
  {
    id: "createWebhook",
    operationId: "createWebhook",
    label: "POST /webhooks",
    budget: "create",
    expectStatus: 201,
    prepare: async () => ({
      routeKey: "POST /webhooks",
      body: { url: "https://hooks.example.com/crm", eventTypes: ["contact.*", "company.*"] },
    }),
  },
  {
    id: "listWebhooks",
    operationId: "listWebhooks",
    label: "GET /webhooks",
    budget: "list",
    expectStatus: 200,
    prepare: async () => ({ routeKey: "GET /webhooks" }),
  },
  {
    id: "listWebhooks.status",
    operationId: "listWebhooks",
    label: "GET /webhooks?status=active",
    budget: "list",
    expectStatus: 200,
    prepare: async () => ({ routeKey: "GET /webhooks", query: { status: "active" } }),
  },
  {
    id: "getWebhook",
    operationId: "getWebhook",
    label: "GET /webhooks/{id}",
    budget: "read",
    expectStatus: 200,
    prepare: async (f) => ({
      routeKey: "GET /webhooks/{webhookId}",
      pathParameters: { webhookId: (await f.webhook()).id },
    }),
  },
  {
    id: "updateWebhook",
    operationId: "updateWebhook",
    label: "PATCH /webhooks/{id}",
    budget: "write",
    expectStatus: 200,
    prepare: async (f) => ({
      routeKey: "PATCH /webhooks/{webhookId}",
      pathParameters: { webhookId: (await f.webhook()).id },
      body: { description: "Sales dashboard" },
    }),
    note: READ_BEFORE_WRITE,
  },
  ...(
    [
      ["pauseWebhook", "pause", 0],
      ["resumeWebhook", "resume", 1],
    ] as const
  ).map(
    ([operationId, action, pausedFirst]): CostScenario => ({
      id: operationId,
      operationId,
      label: `POST /webhooks/{id}/${action}`,
      budget: "write",
      expectStatus: 200,
      prepare: async (f) => {
        const { id } = await f.webhook();
        if (pausedFirst) {
          await f.call(
            { routeKey: "POST /webhooks/{webhookId}/pause", pathParameters: { webhookId: id } },
            200,
          );
        }
        return {
          routeKey: `POST /webhooks/{webhookId}/${action}`,
          pathParameters: { webhookId: id },
        };
      },
      note:
        "Reads the subscription to return early when the status is unchanged, then " +
        "`mutateRecord` reads it again before its transaction: two GetItems where one would do.",
    }),
  ),
  {
    id: "rotateWebhookSecret",
    operationId: "rotateWebhookSecret",
    label: "POST /webhooks/{id}/rotate-secret",
    budget: "write",
    expectStatus: 200,
    prepare: async (f) => ({
      routeKey: "POST /webhooks/{webhookId}/rotate-secret",
      pathParameters: { webhookId: (await f.webhook()).id },
    }),
    note:
      "Reads the current signing key (to keep it signing during the overlap) and the " +
      "subscription before the one transaction.",
  },
  {
    id: "listWebhookDeliveries",
    operationId: "listWebhookDeliveries",
    label: "GET /webhooks/{id}/deliveries",
    budget: "list",
    expectStatus: 200,
    prepare: async (f) => ({
      routeKey: "GET /webhooks/{webhookId}/deliveries",
      pathParameters: { webhookId: (await f.webhook()).id },
    }),
    note: "Reads the subscription first (GetItem) so that an unknown id is a 404.",
  },
  {
    id: "redeliverWebhook.unknownDelivery",
    operationId: "redeliverWebhook",
    label: "POST /webhooks/{id}/deliveries/{deliveryId}/redeliver (unknown delivery: 404)",
    budget: "write",
    expectStatus: 404,
    prepare: async (f) => ({
      routeKey: "POST /webhooks/{webhookId}/deliveries/{deliveryId}/redeliver",
      pathParameters: {
        webhookId: (await f.webhook()).id,
        deliveryId: "whd_01J00000000000000000000000",
      },
    }),
    note:
      "Only the lookups are counted: a real redelivery also sends the HTTP request and records " +
      "the attempt, which needs a delivery made by the dispatcher from a bus event.",
  },
  {
    id: "deleteWebhook",
    operationId: "deleteWebhook",
    label: "DELETE /webhooks/{id}",
    budget: "write",
    expectStatus: 204,
    prepare: async (f) => ({
      routeKey: "DELETE /webhooks/{webhookId}",
      pathParameters: { webhookId: (await f.webhook()).id },
    }),
    note: READ_BEFORE_WRITE,
  },
  {
    id: "getOpenApiDocument",
    operationId: "getOpenApiDocument",
    label: "GET /openapi.json",
    budget: "read",
    expectStatus: 200,
    prepare: async () => ({ routeKey: "GET /openapi.json" }),
    note: "Served from the bundle; no DynamoDB request.",
  },
  ...taskScenarios,
  ...commentScenarios,
  ...dealScenarios,
  ...leadScenarios,
  ...leadConversionScenarios,
  ...forecastScenarios,
  ...leadScoringScenarios,
  ...activityScenarios,
  ...ticketScenarios,
  ...csatScenarios,
  ...reportScenarios,
  // Custom field definitions last: each change makes the contact writes' cache stale.
  {
    id: "createCustomField",
    operationId: "createCustomField",
    label: "POST /custom-fields",
    budget: "create",
    expectStatus: 201,
    prepare: async (f) => ({
      routeKey: "POST /custom-fields",
      body: { entity: "contact", key: `nickname${f.next()}`, label: "Nickname", type: "text" },
    }),
  },
  {
    id: "listCustomFields",
    operationId: "listCustomFields",
    label: "GET /custom-fields?entity=contact",
    budget: "list",
    expectStatus: 200,
    prepare: async () => ({ routeKey: "GET /custom-fields", query: { entity: "contact" } }),
  },
  {
    id: "getCustomField",
    operationId: "getCustomField",
    label: "GET /custom-fields/{entity}/{key}",
    budget: "read",
    expectStatus: 200,
    prepare: async (f) => ({
      routeKey: "GET /custom-fields/{entity}/{key}",
      pathParameters: { entity: "contact", key: (await f.customField()).key },
    }),
  },
  {
    id: "updateCustomField",
    operationId: "updateCustomField",
    label: "PATCH /custom-fields/{entity}/{key}",
    budget: "write",
    expectStatus: 200,
    prepare: async (f) => ({
      routeKey: "PATCH /custom-fields/{entity}/{key}",
      pathParameters: { entity: "contact", key: (await f.customField()).key },
      body: { label: "Renamed" },
    }),
    note:
      "Reads the definition (GetItem) to check its version and its type (options are for " +
      "select fields only) before the transaction that bumps the revision.",
  },
  {
    id: "deleteCustomField",
    operationId: "deleteCustomField",
    label: "DELETE /custom-fields/{entity}/{key}",
    budget: "write",
    expectStatus: 204,
    prepare: async (f) => ({
      routeKey: "DELETE /custom-fields/{entity}/{key}",
      pathParameters: { entity: "contact", key: (await f.customField()).key },
    }),
    note: "Reads the definition (GetItem) to check its version before the transaction.",
  },
  {
    id: "createContact.afterDefinitionChange",
    operationId: "createContact",
    label: "POST /contacts right after a definition changed",
    budget: "create",
    expectStatus: 201,
    prepare: async (f) => ({ routeKey: "POST /contacts", body: contactBody(f.next(), f.run) }),
    note:
      "Rare: the cached definitions fail the transaction's revision check, are read again " +
      "(Query) and the write is retried; the steady state is one transaction again.",
  },
];
