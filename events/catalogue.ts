import * as z from "zod/mini";
import { envelopeOf } from "#events/envelope";
import { activityDeletedChanges, activitySchema } from "#lib/activities/schema";
import { commentSchema, mentionSchema } from "#lib/comments/schema";
import { companySchema } from "#lib/companies/schema";
import { contactSchema } from "#lib/contacts/schema";
import { csatRequestSchema, ticketSatisfactionSchema } from "#lib/csat/schema";
import { customFieldSchema } from "#lib/custom-fields/schema";
import { dealSchema } from "#lib/deals/schema";
import {
  ActivityEvents,
  CommentEvents,
  CompanyEvents,
  ContactEvents,
  CsatRequestEvents,
  CustomFieldEvents,
  DealEvents,
  LeadEvents,
  MentionEvents,
  PipelineEvents,
  SlaPolicyEvents,
  TaskEvents,
  TicketEvents,
  WebhookEvents,
} from "#lib/events/detail-types";
import { leadSchema } from "#lib/leads/schema";
import { nurtureTouchedLeadSchema } from "#lib/nurturing/schema";
import { pipelineSchema } from "#lib/pipelines/schema";
import { slaPolicySchema } from "#lib/sla-policies/schema";
import { taskSchema } from "#lib/tasks/schema";
import { repliedTicketSchema, slaNoticedTicketSchema, ticketSchema } from "#lib/tickets/schema";
import { webhookSchema } from "#lib/webhooks/schema";

/**
 * The event catalogue: one schema per detail-type, the contract for integrators. The `data` of
 * an event is the entity's own schema from `lib/<capability>/schema.ts`, so the API and the
 * events cannot describe a record differently. `npm run events:generate` (see docs/events.md)
 * writes the JSON Schemas (`events/schemas/`) and examples (`events/examples/`) from here, and
 * a contract test fails when the committed files drift from these schemas.
 */
export interface EventDefinition {
  readonly detailType: string;
  /** What happened, for docs/events.md and the schema registry. */
  readonly description: string;
  readonly schema: z.ZodMiniType;
}

const define = (detailType: string, data: z.ZodMiniType, description: string): EventDefinition => ({
  detailType,
  description,
  schema: envelopeOf(data),
});

/** A deletion carries no record: `data` is null, the envelope names the id and the actor. */
const deletion = (detailType: string, description: string): EventDefinition => ({
  detailType,
  description,
  schema: envelopeOf(z.null()),
});

export const eventCatalogue: readonly EventDefinition[] = [
  define(ContactEvents.Created, contactSchema, "A contact was created."),
  define(
    ContactEvents.Updated,
    contactSchema,
    "A contact changed: its fields, tags, custom fields or company associations.",
  ),
  deletion(ContactEvents.Deleted, "A contact was deleted."),
  define(CompanyEvents.Created, companySchema, "A company was created."),
  define(CompanyEvents.Updated, companySchema, "A company changed."),
  deletion(CompanyEvents.Deleted, "A company was deleted."),
  define(
    CustomFieldEvents.Created,
    customFieldSchema,
    "A custom field was defined for contacts or companies; its id is `<entity>.<key>`.",
  ),
  define(
    CustomFieldEvents.Updated,
    customFieldSchema,
    "A custom field definition changed (label, required, options).",
  ),
  deletion(
    CustomFieldEvents.Deleted,
    "A custom field definition was deleted; records keep their values.",
  ),
  define(
    WebhookEvents.Created,
    webhookSchema,
    "A webhook subscription was created (its signing secret is never in an event).",
  ),
  define(
    WebhookEvents.Updated,
    webhookSchema,
    "A webhook subscription changed: URL, event types, description, paused or resumed, or its secret rotated.",
  ),
  deletion(WebhookEvents.Deleted, "A webhook subscription was deleted."),
  define(
    WebhookEvents.Disabled,
    webhookSchema,
    "A webhook subscription was disabled because its deliveries kept failing; `data.disabledReason` says why. It is not sent to the subscription it disables.",
  ),
  define(TaskEvents.Created, taskSchema, "A task was created (open)."),
  define(
    TaskEvents.Updated,
    taskSchema,
    "A task changed: its fields, links, due time or reminder, or it was cancelled or reopened (`changes.status`).",
  ),
  deletion(TaskEvents.Deleted, "A task was deleted; its pending reminder went with it."),
  define(
    TaskEvents.Completed,
    taskSchema,
    "A task was completed; `data.completedBy` and `data.completedAt` say who and when.",
  ),
  define(
    TaskEvents.ReminderDue,
    taskSchema,
    "A task's reminder time came: once per reminder, with `data.reminderAt` and `data.reminderFiredAt`; the actor is `system`. Notify `data.assigneeId`.",
  ),
  define(
    LeadEvents.Created,
    leadSchema,
    "A lead was created: through the API, or by the public web form (`source` `web_form`, actor `web-form`).",
  ),
  define(
    LeadEvents.Updated,
    leadSchema,
    "A lead changed: its details, owner, opt-out, custom fields, or its status to anything but qualified or converted (`changes.status`).",
  ),
  deletion(LeadEvents.Deleted, "A lead was deleted."),
  define(
    LeadEvents.Assigned,
    leadSchema,
    "The assignment rules gave a lead its owner: `data.ownerId`, `data.teamId` (round-robin within a team) and `data.assignedByRule`; the actor is `lead-assignment`.",
  ),
  define(
    LeadEvents.ScoreChanged,
    leadSchema,
    "A lead's score was recomputed: `data.score` and `data.scoreBreakdown`, rule by rule.",
  ),
  define(
    LeadEvents.Qualified,
    leadSchema,
    "A lead became qualified, by hand or by nurturing's hand-off to sales.",
  ),
  define(
    LeadEvents.NurtureTouch,
    nurtureTouchedLeadSchema,
    "The nurturing workflow sent a lead a touch: deliver the template `data.lastNurtureTouch.touch` (step `data.lastNurtureTouch.step`) to `data.email`. Once per step; the actor is `lead-nurturing`. A lead still `new` becomes `nurturing` with its first touch (`changes.status`).",
  ),
  define(
    LeadEvents.Converted,
    leadSchema,
    "A lead was converted: `data.conversion` links the contact, company and deal it became.",
  ),
  define(
    PipelineEvents.Created,
    pipelineSchema,
    "A sales pipeline was created with its ordered stages.",
  ),
  define(
    PipelineEvents.Updated,
    pipelineSchema,
    "A pipeline changed: its name, or its stages (added, changed, reordered or deleted; `changes.stages` has both lists).",
  ),
  deletion(PipelineEvents.Deleted, "A pipeline was deleted (it held no deals)."),
  define(
    DealEvents.Created,
    dealSchema,
    "A deal was created in a stage of a pipeline (usually open; `data.status` says).",
  ),
  define(
    DealEvents.Updated,
    dealSchema,
    "A deal changed: amount, currency, line items, close date, owner, associations or custom fields. Never its stage (see `deal.stage_changed`).",
  ),
  deletion(DealEvents.Deleted, "A deal was deleted."),
  define(
    DealEvents.StageChanged,
    dealSchema,
    "A deal moved to an open stage (reopening a won or lost deal included): `changes.stageId` says from where to where, and the last two `data.stageHistory` entries how long it spent in the stage it left.",
  ),
  define(
    DealEvents.Won,
    dealSchema,
    "A deal moved to a closed-won stage: `data.closedAt`, and `data.closeReason` when one was given.",
  ),
  define(
    DealEvents.Lost,
    dealSchema,
    "A deal moved to a closed-lost stage: `data.closedAt` and `data.closeReason` (always given).",
  ),
  define(
    CommentEvents.Created,
    commentSchema,
    "A comment was posted on a record (`data.record`), or a reply (`data.parentId` names its thread's root).",
  ),
  define(CommentEvents.Updated, commentSchema, "A comment's body was edited (`data.editedAt`)."),
  define(
    CommentEvents.Deleted,
    commentSchema,
    "A comment was deleted. `data` is null when it was removed outright; for a root comment with replies it is the placeholder kept for the thread, without `body`, with `deletedAt` and `deletedBy`.",
  ),
  define(
    MentionEvents.Created,
    mentionSchema,
    "A user was @mentioned in a comment, once per user and comment (an edit that adds a mention announces only the new user): `data.mentionedUserId` was mentioned by `data.mentionedBy` in `data.commentId` on `data.record`, with an `excerpt`. For notifications.",
  ),
  define(
    ActivityEvents.Created,
    activitySchema,
    "An activity (email, call, meeting, note or social message) was logged on the records in `data.links`; `data.origin` names the integration that logged it, if one did.",
  ),
  define(
    ActivityEvents.Updated,
    activitySchema,
    "An activity changed: its fields, its time (`changes.occurredAt`) or its records (`changes.links`: from the old links to the new).",
  ),
  {
    detailType: ActivityEvents.Deleted,
    description:
      "An activity was deleted. `data` is null; `changes` keeps what it was (`type`, `occurredAt` and `links`, each as a `from`), so that the records it was on can be updated.",
    schema: z.extend(envelopeOf(z.null()), { changes: activityDeletedChanges }),
  },
  define(
    TicketEvents.Created,
    ticketSchema,
    "A ticket was opened (status `new`); `data.sla` holds the clocks of the SLA policy that matched it, with their deadlines. Start its SLA timer here.",
  ),
  define(
    TicketEvents.Updated,
    ticketSchema,
    "A ticket changed: fields, assignee, team, priority (its running clocks get the new targets: `changes.sla`), or a status other than solved (`changes.status`; pending pauses the clocks, leaving it resumes them). Move the SLA timer to the new deadlines.",
  ),
  deletion(
    TicketEvents.Deleted,
    "A ticket was deleted; its replies stay on the requester's timeline.",
  ),
  define(
    TicketEvents.Replied,
    repliedTicketSchema,
    "A public reply or an internal note was added: `data.lastReply` names the activity, its visibility and its author. An agent's first public reply sets `data.firstRespondedAt` and stops the first-response clock.",
  ),
  define(
    TicketEvents.Solved,
    ticketSchema,
    "A ticket was solved (`data.solvedAt`, `data.solvedBy`); its SLA clocks stopped, each met or breached. Stop its SLA timer.",
  ),
  define(
    TicketEvents.SlaWarning,
    slaNoticedTicketSchema,
    "An SLA target is close to its deadline (the policy's warning fraction of it used): `data.sla.lastNotice.targets` names it (`firstResponse` or `resolution`). Once per target; the actor is `system`.",
  ),
  define(
    TicketEvents.SlaBreached,
    slaNoticedTicketSchema,
    "An SLA target's deadline passed while the ticket was still open: `data.sla.lastNotice.targets` names the breached target; its clock is `breached`. Once per target; the actor is `system`. A `ticket.escalated` follows.",
  ),
  define(
    TicketEvents.Escalated,
    slaNoticedTicketSchema,
    "A ticket was escalated for the breaches in `data.sla.lastNotice.targets`: its priority went up one level (`changes.priority`) and it was reassigned to the policy's escalation owner (`changes.assigneeId`). Once per breach; the actor is `system`.",
  ),
  define(
    CsatRequestEvents.Requested,
    csatRequestSchema,
    "A solved ticket's requester is to be sent a satisfaction survey: `data.token` (and `data.surveyUrl`, when a survey page is configured) answers it on `POST /csat/{token}` until `data.expiresAt`. An email integration sends it to the requester (`data.requesterId`). Once per solving; the actor is `csat-survey`; `version` is the ticket's version that solved it. The token is a credential for that one survey: see docs/support.md.",
  ),
  define(
    TicketEvents.CsatReceived,
    z.extend(ticketSchema, { satisfaction: ticketSatisfactionSchema }),
    "The requester answered the ticket's satisfaction survey: `data.satisfaction` holds the rating (1 to 5), the comment if any, and when. Once per survey; the actor is `csat-survey`.",
  ),
  define(
    SlaPolicyEvents.Created,
    slaPolicySchema,
    "An SLA policy was created; it applies to tickets created from now on.",
  ),
  define(
    SlaPolicyEvents.Updated,
    slaPolicySchema,
    "An SLA policy changed; tickets created before keep the targets they were given.",
  ),
  deletion(SlaPolicyEvents.Deleted, "An SLA policy was deleted; its tickets keep their clocks."),
];

const byDetailType = new Map(
  eventCatalogue.map((definition) => [definition.detailType, definition]),
);

export const eventDefinitionOf = (detailType: string): EventDefinition | undefined =>
  byDetailType.get(detailType);
