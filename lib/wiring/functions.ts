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
  leads: {
    entry: "functions/leads/handler.ts",
    description: "Leads API: CRUD, status changes, views, and the assignment rules and teams",
    tableAccess: "readWrite",
  },
  webForms: {
    entry: "functions/web-forms/handler.ts",
    description: "Public web-form lead capture: the one route without a token",
    tableAccess: "readWrite",
  },
  leadAssignment: {
    entry: "functions/lead-assignment/handler.ts",
    description: "Gives each new lead an owner by the territory and round-robin rules",
    tableAccess: "readWrite",
  },
  comments: {
    entry: "functions/comments/handler.ts",
    description: "Comments API: threaded comments on any record, and the caller's @mentions",
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
  pipelines: {
    entry: "functions/pipelines/handler.ts",
    description: "Pipelines API: sales pipelines and their stages",
    tableAccess: "readWrite",
  },
  deals: {
    entry: "functions/deals/handler.ts",
    description: "Deals API: CRUD, board and lists, and stage moves with their history",
    tableAccess: "readWrite",
  },
  webhookSweeper: {
    entry: "functions/webhook-sweeper/handler.ts",
    description: "Attempts the webhook deliveries whose retry is due",
    tableAccess: "readWrite",
    // Starts no page in its last 40 s (see the handler), so a run ends cleanly.
    timeoutSeconds: 120,
  },
  interactionIngest: {
    entry: "functions/interaction-ingest/handler.ts",
    description: "Turns integrations' interaction events into activities on the matching contacts",
    tableAccess: "readWrite",
    // A meeting with many unknown attendees creates a contact for each, one after another.
    timeoutSeconds: 30,
  },
  nurtureStarter: {
    entry: "functions/nurture-starter/handler.ts",
    description: "Starts the lead nurturing workflow for a new lead from a nurtured source",
    // It reads the lead from the event; the state machine grant is the wiring's startedBy.
    tableAccess: "none",
  },
  nurtureSteps: {
    entry: "functions/nurture-steps/handler.ts",
    description: "The lead nurturing workflow's tasks: touch, re-score, hand-off to sales",
    tableAccess: "readWrite",
  },
  tasks: {
    entry: "functions/tasks/handler.ts",
    description: "Tasks API: CRUD, completion, my open tasks, overdue tasks, a record's tasks",
    tableAccess: "readWrite",
  },
  taskReminders: {
    entry: "functions/task-reminders/handler.ts",
    description: "Fires the task reminders that are due (task.reminder_due)",
    tableAccess: "readWrite",
    // Starts no page in its last 10 s (see the handler), so a run ends cleanly.
    timeoutSeconds: 60,
  },
  leadScoring: {
    entry: "functions/lead-scoring/handler.ts",
    description: "Lead scoring API: the scoring model, and a lead's score explained",
    tableAccess: "readWrite",
  },
  leadScoringEvents: {
    entry: "functions/lead-scoring-events/handler.ts",
    description:
      "Records engagement signals and re-scores leads from lead, activity and integration events",
    tableAccess: "readWrite",
    // A page visit for an address several leads share re-scores each of them in turn.
    timeoutSeconds: 30,
  },
  leadScoringReview: {
    entry: "functions/lead-scoring-review/handler.ts",
    description:
      "Nightly: rolls a new scoring model out, and re-scores leads whose signals decayed",
    tableAccess: "readWrite",
    // Starts no page in its last 60 s (see the handler), and resumes the next night.
    timeoutSeconds: 900,
  },
  activities: {
    entry: "functions/activities/handler.ts",
    description: "Activities API: CRUD, and the timeline of every linkable record",
    tableAccess: "readWrite",
  },
  engagementRecorder: {
    entry: "functions/engagement-recorder/handler.ts",
    description:
      "Keeps each linked record's engagement (last activity, counts) from activity events",
    tableAccess: "readWrite",
  },
  tickets: {
    entry: "functions/tickets/handler.ts",
    description: "Support API: tickets, replies, queues, and the SLA policies",
    tableAccess: "readWrite",
  },
  escalationTimers: {
    entry: "functions/escalation-timers/handler.ts",
    description:
      "Starts, moves and stops each ticket's SLA timer (the ticket escalation workflow) from ticket events",
    // The timer item (lib/escalation/keys.ts); the state machine grants are the wiring's.
    tableAccess: "readWrite",
  },
  escalationSteps: {
    entry: "functions/escalation-steps/handler.ts",
    description: "The ticket escalation workflow's task: the SLA check (warn, breach, escalate)",
    tableAccess: "readWrite",
  },
  csat: {
    entry: "functions/csat/handler.ts",
    description:
      "Satisfaction surveys: issued when a ticket is solved, answered on the public token route (one function for both)",
    tableAccess: "readWrite",
  },
  forecast: {
    entry: "functions/forecast/handler.ts",
    description:
      "Forecast API, and the forecast's per-period buckets kept from the deal events (one function for both)",
    tableAccess: "readWrite",
  },
  analyticsRecorder: {
    entry: "functions/analytics-recorder/handler.ts",
    description: "Keeps the daily analytics counters and gauges from the domain events",
    tableAccess: "readWrite",
  },
  analyticsRollup: {
    entry: "functions/analytics-rollup/handler.ts",
    description:
      "Scheduled: weekly, monthly and derived analytics figures, and the pipeline snapshots",
    tableAccess: "readWrite",
    // A quiet hour is a few hundred small Queries; a backlog of touched days takes longer.
    timeoutSeconds: 300,
  },
  reports: {
    entry: "functions/reports/handler.ts",
    description: "Reports API: chart-ready series and CSV exports from the analytics rollups",
    tableAccess: "read",
  },
} as const satisfies Record<string, FunctionDeclaration>;

export type FunctionName = keyof typeof functions;
