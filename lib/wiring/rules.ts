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
];
