import {
  INTEGRATION_DETAIL_TYPES,
  INTEGRATION_SOURCE_PREFIX,
} from "#events/integration/detail-types";
import { ENGAGEMENT_DETAIL_TYPES } from "#events/integration/engagement-detail-types";
import { countedDetailTypes } from "#lib/analytics/counters";
import { ActivityEvents, DealEvents, LeadEvents, TicketEvents } from "#lib/events/detail-types";
import type { FunctionName } from "#lib/wiring/functions";

/**
 * EventBridge rules on the stack's bus: a pattern and the function it invokes. The CDK creates
 * each as a rule with a retry policy and an SQS dead-letter queue; the local bus matches the
 * same patterns (see `lib/events/pattern-matcher.ts`) and invokes the same handlers.
 */
export type EventPattern = Readonly<Record<string, unknown>>;

export interface RuleDeclaration {
  /** Stable, kebab-case: names the rule, its DLQ and its log lines. */
  readonly name: string;
  readonly description: string;
  readonly pattern: EventPattern;
  readonly target: { readonly function: FunctionName };
}

export const rules: readonly RuleDeclaration[] = [
  {
    name: "history-recorder",
    description: "Every CRM domain event into the field history of its record",
    pattern: { source: ["crm"] },
    target: { function: "historyRecorder" },
  },
  {
    name: "event-feed-recorder",
    description: "Every CRM domain event into the replayable event feed",
    pattern: { source: ["crm"] },
    target: { function: "eventFeedRecorder" },
  },
  {
    name: "webhook-dispatch",
    description: "Every CRM domain event to the webhook dispatcher, which matches subscriptions",
    pattern: { source: ["crm"] },
    target: { function: "webhookDispatcher" },
  },
  {
    name: "interaction-ingest",
    description:
      "Integrations' emails, calls and meetings into activities on the matching contacts",
    pattern: {
      source: [{ prefix: INTEGRATION_SOURCE_PREFIX }],
      "detail-type": [...INTEGRATION_DETAIL_TYPES],
    },
    target: { function: "interactionIngest" },
  },
  {
    name: "engagement-recorder",
    description: "Activity changes into the engagement (last activity, counts) of linked records",
    pattern: { source: ["crm"], "detail-type": Object.values(ActivityEvents) },
    target: { function: "engagementRecorder" },
  },
  {
    name: "nurture-start",
    description: "A new lead starts the nurturing workflow when its source is nurtured",
    pattern: { source: ["crm"], "detail-type": [LeadEvents.Created] },
    target: { function: "nurtureStarter" },
  },
  {
    name: "lead-assignment",
    description: "A new lead without an owner gets one from the territory and round-robin rules",
    pattern: { source: ["crm"], "detail-type": [LeadEvents.Created] },
    target: { function: "leadAssignment" },
  },
  {
    name: "lead-scoring-crm",
    description:
      "Lead changes (fit) and activities linked to leads (engagement) into lead scores; never lead.score_changed",
    pattern: {
      source: ["crm"],
      "detail-type": [
        LeadEvents.Created,
        LeadEvents.Updated,
        LeadEvents.Deleted,
        ...Object.values(ActivityEvents),
      ],
    },
    target: { function: "leadScoringEvents" },
  },
  {
    name: "lead-scoring-engagement",
    description: "Integrations' email opens, clicks and page visits into signals on leads",
    pattern: {
      source: [{ prefix: INTEGRATION_SOURCE_PREFIX }],
      "detail-type": [...ENGAGEMENT_DETAIL_TYPES],
    },
    target: { function: "leadScoringEvents" },
  },
  {
    name: "forecast-recorder",
    description:
      "Deal changes into the forecast's buckets (by pipeline, month, owner, stage, currency)",
    pattern: { source: ["crm"], "detail-type": Object.values(DealEvents) },
    target: { function: "forecast" },
  },
  {
    name: "analytics-recorder",
    description:
      "The events analytics counts (contacts, leads, deals, activities, tickets) into the daily counters",
    pattern: { source: ["crm"], "detail-type": countedDetailTypes() },
    target: { function: "analyticsRecorder" },
  },
  {
    name: "escalation-timers",
    description:
      "Ticket changes start, move and stop the ticket's SLA timer (the ticket escalation workflow)",
    pattern: {
      source: ["crm"],
      "detail-type": [
        TicketEvents.Created,
        TicketEvents.Updated,
        TicketEvents.Replied,
        TicketEvents.Solved,
        TicketEvents.Deleted,
      ],
    },
    target: { function: "escalationTimers" },
  },
  {
    name: "csat-survey",
    description: "A solved ticket gets a satisfaction survey for its requester",
    pattern: { source: ["crm"], "detail-type": [TicketEvents.Solved] },
    target: { function: "csat" },
  },
];
