/**
 * The detail-types of the CRM's domain events: `<entity>.<verb>`. Producers, rule patterns
 * (`lib/wiring/rules.ts`) and consumers import these constants instead of spelling the strings.
 * Every value here has a schema in the event catalogue (`events/catalogue.ts`); a test holds
 * the two together.
 */
export const ContactEvents = {
  Created: "contact.created",
  Updated: "contact.updated",
  Deleted: "contact.deleted",
} as const;

export const CompanyEvents = {
  Created: "company.created",
  Updated: "company.updated",
  Deleted: "company.deleted",
} as const;

export const CustomFieldEvents = {
  Created: "custom_field.created",
  Updated: "custom_field.updated",
  Deleted: "custom_field.deleted",
} as const;

/** Webhook subscriptions; `disabled` is announced when the dispatcher gives up on an endpoint. */
export const WebhookEvents = {
  Created: "webhook.created",
  Updated: "webhook.updated",
  Deleted: "webhook.deleted",
  Disabled: "webhook.disabled",
} as const;

/**
 * Tasks; `completed` when a task is done (who and when are in `data`), `reminder_due` when its
 * reminder time came (fired once per reminder by the reminder sweep). Cancelling and reopening
 * are `updated`, with `changes.status`.
 */
export const TaskEvents = {
  Created: "task.created",
  Updated: "task.updated",
  Deleted: "task.deleted",
  Completed: "task.completed",
  ReminderDue: "task.reminder_due",
} as const;

/**
 * Leads (lib/leads). `assigned` when the assignment rules give a lead its owner,
 * `score_changed` when scoring stores a new score (never `updated`, so scorers do not react to
 * their own writes), `qualified` and `converted` for those status changes; every other status
 * change is `updated`, with `changes.status`.
 */
export const LeadEvents = {
  Created: "lead.created",
  Updated: "lead.updated",
  Deleted: "lead.deleted",
  Assigned: "lead.assigned",
  ScoreChanged: "lead.score_changed",
  Qualified: "lead.qualified",
  Converted: "lead.converted",
  /** Nurturing sent a touch (lib/nurturing): `data.lastNurtureTouch` says which, for delivery. */
  NurtureTouch: "lead.nurture_touch",
} as const;

/** Sales pipelines (lib/pipelines): their stages change with `updated`. */
export const PipelineEvents = {
  Created: "pipeline.created",
  Updated: "pipeline.updated",
  Deleted: "pipeline.deleted",
} as const;

/**
 * Deals (lib/deals). A stage move is `stage_changed`, or `won` / `lost` when the new stage is
 * closed-won / closed-lost (reopening is `stage_changed`); never `updated`, which is every other
 * change.
 */
export const DealEvents = {
  Created: "deal.created",
  Updated: "deal.updated",
  Deleted: "deal.deleted",
  StageChanged: "deal.stage_changed",
  Won: "deal.won",
  Lost: "deal.lost",
} as const;

/**
 * Comments on records. `deleted` is a comment removed outright (`data` null) or a root comment
 * with replies kept as a placeholder without its body (`data` the placeholder).
 */
export const CommentEvents = {
  Created: "comment.created",
  Updated: "comment.updated",
  Deleted: "comment.deleted",
} as const;

/**
 * Activities (emails, calls, meetings, notes, social messages). `activity.deleted` carries the
 * deleted activity's `type`, `occurredAt` and `links` in `changes`, each as a `from`.
 */
export const ActivityEvents = {
  Created: "activity.created",
  Updated: "activity.updated",
  Deleted: "activity.deleted",
} as const;

/** A user @mentioned in a comment, for notifications: one per user and comment. */
export const MentionEvents = {
  Created: "mention.created",
} as const;

/**
 * Support tickets (lib/tickets). `replied` for a public reply or an internal note
 * (`data.lastReply` says which), `solved` when the status becomes solved; other status moves are
 * `updated`, with `changes.status`. The SLA check announces `sla_warning`, `sla_breached` and
 * `escalated`, each with `data.sla.lastNotice` naming the target(s); its actor is `system`.
 */
export const TicketEvents = {
  Created: "ticket.created",
  Updated: "ticket.updated",
  Deleted: "ticket.deleted",
  Replied: "ticket.replied",
  Solved: "ticket.solved",
  SlaWarning: "ticket.sla_warning",
  SlaBreached: "ticket.sla_breached",
  Escalated: "ticket.escalated",
  /** The requester answered the satisfaction survey: `data.satisfaction` (lib/csat). */
  CsatReceived: "ticket.csat_received",
} as const;

/**
 * A satisfaction survey to send to a solved ticket's requester, with its token (lib/csat). Not
 * a change of the ticket record: it is announced from the survey's outbox item, so it is kept
 * out of `TicketEvents`, whose events all carry a ticket.
 */
export const CsatRequestEvents = {
  Requested: "ticket.csat_requested",
} as const;

/** SLA policies (lib/sla-policies): configuration, announced for audit and integrations. */
export const SlaPolicyEvents = {
  Created: "sla_policy.created",
  Updated: "sla_policy.updated",
  Deleted: "sla_policy.deleted",
} as const;

/** `contact` + `created` -> `contact.created`. */
export const detailTypeOf = (entity: string, verb: string): string => `${entity}.${verb}`;

/** `deal.stage_changed` -> `{ entity: "deal", verb: "stage_changed" }`. */
export const splitDetailType = (detailType: string): { entity: string; verb: string } => {
  const dot = detailType.indexOf(".");
  return dot < 0
    ? { entity: detailType, verb: "" }
    : { entity: detailType.slice(0, dot), verb: detailType.slice(dot + 1) };
};
