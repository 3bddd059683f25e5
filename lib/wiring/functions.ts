/**
 * The Lambda functions: one per API resource, plus the event-driven ones. `entry` is the module
 * that exports `handler`; `tableAccess` is the least privilege the function needs on the table.
 * The CDK creates one NodejsFunction per entry here and the local runtime loads the same modules.
 *
 * What invokes a function: routes name it (`lib/wiring/routes.ts`), rules name it
 * (`lib/wiring/rules.ts`), or its own declaration says so (`stream`).
 */
export type TableAccess = "none" | "read" | "readWrite";

/** `put`: the function may put events on the stack's bus (EVENT_BUS_NAME, events:PutEvents). */
export type BusAccess = "none" | "put";

export interface FunctionDeclaration {
  readonly entry: string;
  readonly description: string;
  readonly tableAccess: TableAccess;
  readonly memorySize?: number;
  readonly timeoutSeconds?: number;
  /**
   * The table's stream invokes it with batches of changes (a DynamoDB event source in AWS, the
   * stream poller locally); the handler returns a partial batch response.
   */
  readonly stream?: boolean;
  readonly busAccess?: BusAccess;
}

export const functions = {
  contacts: {
    entry: "functions/contacts/handler.ts",
    description: "Contacts API: CRUD, lists, and company associations",
    tableAccess: "readWrite",
  },
  companies: {
    entry: "functions/companies/handler.ts",
    description: "Companies API: CRUD and lists",
    tableAccess: "readWrite",
  },
  customFields: {
    entry: "functions/custom-fields/handler.ts",
    description: "Custom field definitions per entity",
    tableAccess: "readWrite",
  },
  openapi: {
    entry: "functions/openapi/handler.ts",
    description: "Serves the OpenAPI 3.1 document",
    tableAccess: "none",
  },
  streamPublisher: {
    entry: "functions/stream-publisher/handler.ts",
    description: "Turns the table's stream into domain events on the bus",
    // It reads the stream only; the event source mapping grants that, not a table grant.
    tableAccess: "none",
    stream: true,
    busAccess: "put",
    // PutEvents retries with backoff inside one invocation.
    timeoutSeconds: 60,
  },
  history: {
    entry: "functions/history/handler.ts",
    description: "Field history API: a record's audit trail, newest first",
    tableAccess: "read",
  },
  historyRecorder: {
    entry: "functions/history-recorder/handler.ts",
    description: "Keeps each record's field history from the domain events",
    tableAccess: "readWrite",
  },
  eventFeed: {
    entry: "functions/event-feed/handler.ts",
    description: "Event feed API: the domain events from a cursor, replayable",
    tableAccess: "read",
  },
  eventFeedRecorder: {
    entry: "functions/event-feed-recorder/handler.ts",
    description: "Appends every domain event to the replayable event feed",
    tableAccess: "readWrite",
  },
  webhooks: {
    entry: "functions/webhooks/handler.ts",
    description: "Webhooks API: subscriptions, delivery log and manual redelivery",
    tableAccess: "readWrite",
    // A manual redelivery waits for the receiver (10 s at most) inside the request.
    timeoutSeconds: 20,
  },
  webhookDispatcher: {
    entry: "functions/webhook-dispatcher/handler.ts",
    description: "Delivers each CRM event to the webhook subscriptions that want it",
    tableAccess: "readWrite",
    // Attempts run 10 at a time with a 10 s timeout each.
    timeoutSeconds: 60,
  },
  webhookSweeper: {
    entry: "functions/webhook-sweeper/handler.ts",
    description: "Attempts the webhook deliveries whose retry is due",
    tableAccess: "readWrite",
    // Starts no page in its last 40 s (see the handler), so a run ends cleanly.
    timeoutSeconds: 120,
  },
} as const satisfies Record<string, FunctionDeclaration>;

export type FunctionName = keyof typeof functions;
