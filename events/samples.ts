import { marshall } from "@aws-sdk/util-dynamodb";
import type { DynamoDBRecord } from "aws-lambda";
import { CSAT_RECEIVED, requestItemOf, withSatisfaction } from "#lib/csat/survey";
import { tombstoneItem } from "#lib/db/tombstone";
import { SYSTEM_ACTOR } from "#lib/events/change-events";
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
import { stamp } from "#lib/records/mutate";
import { slaPolicyModel } from "#lib/sla-policies/keys";
import type { SlaPolicy } from "#lib/sla-policies/schema";
import { ticketModel } from "#lib/tickets/keys";
import { applyReply, moveTo, newTicket, patchTicket } from "#lib/tickets/lifecycle";
import type { Ticket } from "#lib/tickets/schema";
import { applySlaStep, nextSlaStep } from "#lib/tickets/sla-state";

/**
 * One stream record per detail-type: the table items a real write leaves, as the stream carries
 * them. The examples in `events/examples/` are these records run through the real publisher
 * mapping (`domainEventOf`), so an example always is what the publisher emits, and the tests
 * use them as fixtures.
 */
type Item = Record<string, unknown>;

const contactV1: Item = {
  pk: "contact#con_01JD7Q6X9Y8Z7W6V5T4S3R2Q1P",
  sk: "contact",
  gsi3pk: "contact",
  gsi3sk: "ada lovelace#con_01JD7Q6X9Y8Z7W6V5T4S3R2Q1P",
  entityType: "contact",
  id: "con_01JD7Q6X9Y8Z7W6V5T4S3R2Q1P",
  firstName: "Ada",
  lastName: "Lovelace",
  emails: ["ada@example.com"],
  phones: [{ number: "+44 20 7946 0000", label: "work" }],
  lifecycleStage: "lead",
  tags: ["vip"],
  customFields: { tier: "gold" },
  companies: [],
  version: 1,
  createdAt: "2026-11-23T10:00:00.000Z",
  updatedAt: "2026-11-23T10:00:00.000Z",
  createdBy: "user-alice",
  updatedBy: "user-alice",
};

const contactV2: Item = {
  ...contactV1,
  lifecycleStage: "customer",
  ownerId: "user-bob",
  tags: ["vip", "enterprise"],
  version: 2,
  updatedAt: "2026-11-23T11:30:00.000Z",
  updatedBy: "user-bob",
};

const companyV1: Item = {
  pk: "company#co_01JD7Q8A1B2C3D4E5F6G7H8J9K",
  sk: "company",
  gsi3pk: "company",
  gsi3sk: "analytical engines#co_01JD7Q8A1B2C3D4E5F6G7H8J9K",
  entityType: "company",
  id: "co_01JD7Q8A1B2C3D4E5F6G7H8J9K",
  name: "Analytical Engines",
  domain: "engines.example",
  industry: "Computing",
  tags: [],
  customFields: {},
  version: 1,
  createdAt: "2026-11-23T10:05:00.000Z",
  updatedAt: "2026-11-23T10:05:00.000Z",
  createdBy: "user-alice",
  updatedBy: "user-alice",
};

const companyV2: Item = {
  ...companyV1,
  size: "51-200",
  version: 2,
  updatedAt: "2026-11-23T12:00:00.000Z",
  updatedBy: "user-alice",
};

const fieldV1: Item = {
  pk: "custom-fields#contact",
  sk: "field#tier",
  entityType: "custom-field",
  entity: "contact",
  key: "tier",
  label: "Tier",
  type: "single_select",
  required: false,
  options: ["gold", "silver"],
  version: 1,
  createdAt: "2026-11-23T09:00:00.000Z",
  updatedAt: "2026-11-23T09:00:00.000Z",
  createdBy: "user-admin",
  updatedBy: "user-admin",
};

const fieldV2: Item = {
  ...fieldV1,
  options: ["gold", "silver", "bronze"],
  version: 2,
  updatedAt: "2026-11-23T09:30:00.000Z",
};

const webhookV1: Item = {
  pk: "webhook#wh_01JD7QB2C3D4E5F6G7H8J9K0M1",
  sk: "webhook",
  gsi1pk: "webhook#status#active",
  gsi1sk: "wh_01JD7QB2C3D4E5F6G7H8J9K0M1",
  gsi3pk: "webhook",
  gsi3sk: "wh_01JD7QB2C3D4E5F6G7H8J9K0M1",
  entityType: "webhook",
  id: "wh_01JD7QB2C3D4E5F6G7H8J9K0M1",
  url: "https://hooks.example.com/crm",
  eventTypes: ["contact.*"],
  status: "active",
  version: 1,
  createdAt: "2026-11-23T10:10:00.000Z",
  updatedAt: "2026-11-23T10:10:00.000Z",
  createdBy: "user-admin",
  updatedBy: "user-admin",
};

const webhookV2: Item = {
  ...webhookV1,
  eventTypes: ["contact.*", "company.created"],
  description: "Marketing automation",
  version: 2,
  updatedAt: "2026-11-23T12:00:00.000Z",
};

/** What the dispatcher writes when the endpoint keeps failing; `changeVerb` names the event. */
const webhookDisabled: Item = {
  ...webhookV2,
  gsi1pk: "webhook#status#disabled",
  status: "disabled",
  disabledAt: "2026-11-24T07:00:00.000Z",
  disabledReason: "5 deliveries in a row failed (failing since 2026-11-23T13:00:00.000Z)",
  version: 3,
  updatedAt: "2026-11-24T07:00:00.000Z",
  updatedBy: "system",
  changeVerb: "disabled",
};

const taskId = "task_01JD7QC3D4E5F6G7H8J9K0M1N2";
const taskV1: Item = {
  pk: `task#${taskId}`,
  sk: "task",
  gsi1pk: "task#assignee#user-bob#open",
  gsi1sk: `2026-11-25T09:00:00.000Z#${taskId}`,
  gsi2pk: "task#status#open",
  gsi2sk: `2026-11-25T09:00:00.000Z#${taskId}`,
  gsi3pk: "task#reminders",
  gsi3sk: `2026-11-25T08:30:00.000Z#${taskId}`,
  entityType: "task",
  id: taskId,
  title: "Send Ada the proposal",
  notes: "She asked for the three-year pricing.",
  dueAt: "2026-11-25T09:00:00.000Z",
  assigneeId: "user-bob",
  priority: "high",
  status: "open",
  links: [{ entity: "contact", id: String(contactV1.id) }],
  reminderAt: "2026-11-25T08:30:00.000Z",
  version: 1,
  createdAt: "2026-11-23T10:20:00.000Z",
  updatedAt: "2026-11-23T10:20:00.000Z",
  createdBy: "user-alice",
  updatedBy: "user-alice",
};

/** The due time and the reminder moved: the reminder keys moved with them. */
const taskV2: Item = {
  ...taskV1,
  gsi1sk: `2026-11-26T09:00:00.000Z#${taskId}`,
  gsi2sk: `2026-11-26T09:00:00.000Z#${taskId}`,
  gsi3sk: `2026-11-26T08:30:00.000Z#${taskId}`,
  dueAt: "2026-11-26T09:00:00.000Z",
  reminderAt: "2026-11-26T08:30:00.000Z",
  version: 2,
  updatedAt: "2026-11-24T16:00:00.000Z",
  updatedBy: "user-bob",
};

/** What the reminder sweep writes: fired, off the reminders index, `changeVerb` names the event. */
const taskReminderFired: Item = {
  ...taskV2,
  gsi3pk: undefined,
  gsi3sk: undefined,
  reminderFiredAt: "2026-11-26T08:30:04.000Z",
  version: 3,
  updatedAt: "2026-11-26T08:30:04.000Z",
  updatedBy: "system",
  changeVerb: "reminder_due",
};

const taskDone: Item = {
  ...taskReminderFired,
  gsi1pk: "task#assignee#user-bob#done",
  gsi2pk: "task#status#done",
  status: "done",
  completedAt: "2026-11-26T10:15:00.000Z",
  completedBy: "user-bob",
  version: 4,
  updatedAt: "2026-11-26T10:15:00.000Z",
  updatedBy: "user-bob",
  changeVerb: "completed",
};

/** An item as the table holds it: attributes a write leaves out are absent, not undefined. */
const stored = (item: Item): Item =>
  Object.fromEntries(Object.entries(item).filter(([, value]) => value !== undefined));

const leadId = "lead_01JD7QD4E5F6G7H8J9K0M1N2P3";
/** A lead from the public web form: no owner yet, score 0. */
const leadV1: Item = {
  pk: `lead#${leadId}`,
  sk: "lead",
  gsi2pk: "lead#status#new",
  gsi2sk: `1000000#${leadId}`,
  gsi3pk: "lead#source#web_form",
  gsi3sk: leadId,
  entityType: "lead",
  id: leadId,
  firstName: "Grace",
  lastName: "Hopper",
  email: "grace@cobol.example",
  title: "Head of Engineering",
  companyName: "Cobol Systems",
  domain: "cobol.example",
  industry: "Software",
  employees: 250,
  country: "US",
  message: "We would like a demo for 40 seats.",
  source: "web_form",
  sourceDetail: "pricing-page",
  status: "new",
  statusChangedAt: "2026-11-23T10:30:00.000Z",
  score: 0,
  scoreBreakdown: [],
  optedOut: false,
  customFields: {},
  version: 1,
  createdAt: "2026-11-23T10:30:00.000Z",
  updatedAt: "2026-11-23T10:30:00.000Z",
  createdBy: "web-form",
  updatedBy: "web-form",
};

/** What the assignment rules write: owner from the team's round-robin. */
const leadAssigned: Item = {
  ...leadV1,
  gsi1pk: "lead#owner#user-bob",
  gsi1sk: leadId,
  ownerId: "user-bob",
  teamId: "na-sales",
  assignedByRule: "North America software",
  version: 2,
  updatedAt: "2026-11-23T10:30:02.000Z",
  updatedBy: "lead-assignment",
  changeVerb: "assigned",
};

const leadScored: Item = {
  ...leadAssigned,
  gsi2sk: `0999965#${leadId}`,
  score: 35,
  scoreBreakdown: [
    { rule: "title-head", category: "fit", points: 20, detail: "title contains Head" },
    { rule: "industry-software", category: "fit", points: 15 },
  ],
  scoredAt: "2026-11-23T10:30:03.000Z",
  version: 3,
  updatedAt: "2026-11-23T10:30:03.000Z",
  updatedBy: "lead-scoring",
  changeVerb: "score_changed",
};

/** Nurturing's first touch: recorded on the lead, which moves from `new` to `nurturing`. */
const leadNurtured: Item = {
  ...leadScored,
  gsi2pk: "lead#status#nurturing",
  status: "nurturing",
  statusChangedAt: "2026-11-24T10:30:00.000Z",
  lastNurtureTouch: {
    step: 1,
    touch: "nurture-welcome",
    touchedAt: "2026-11-24T10:30:00.000Z",
  },
  version: 4,
  updatedAt: "2026-11-24T10:30:00.000Z",
  updatedBy: "lead-nurturing",
  changeVerb: "nurture_touch",
};

const leadWorking: Item = {
  ...leadScored,
  gsi2pk: "lead#status#working",
  status: "working",
  statusChangedAt: "2026-11-23T14:00:00.000Z",
  version: 4,
  updatedAt: "2026-11-23T14:00:00.000Z",
  updatedBy: "user-bob",
  changeVerb: undefined,
};

const leadQualified: Item = {
  ...leadWorking,
  gsi2pk: "lead#status#qualified",
  status: "qualified",
  statusReason: "Budget confirmed for Q1",
  statusChangedAt: "2026-11-24T09:00:00.000Z",
  version: 5,
  updatedAt: "2026-11-24T09:00:00.000Z",
  updatedBy: "user-bob",
  changeVerb: "qualified",
};

const leadConverted: Item = {
  ...leadQualified,
  gsi2pk: "lead#status#converted",
  status: "converted",
  statusReason: undefined,
  statusChangedAt: "2026-11-24T11:00:00.000Z",
  conversion: {
    contactId: "con_01JD7QE5F6G7H8J9K0M1N2P3Q4",
    companyId: "co_01JD7QE5F6G7H8J9K0M1N2P3Q5",
    dealId: "deal_01JD7QE5F6G7H8J9K0M1N2P3Q6",
    convertedAt: "2026-11-24T11:00:00.000Z",
    convertedBy: "user-bob",
  },
  version: 6,
  updatedAt: "2026-11-24T11:00:00.000Z",
  updatedBy: "user-bob",
  changeVerb: "converted",
};

const pipelineId = "pip_01JD7QD4E5F6G7H8J9K0M1N2P3";
const stageIds = {
  qualified: "stg_01JD7QD5A1B2C3D4E5F6G7H8J0",
  proposal: "stg_01JD7QD5A1B2C3D4E5F6G7H8J1",
  won: "stg_01JD7QD5A1B2C3D4E5F6G7H8J2",
  lost: "stg_01JD7QD5A1B2C3D4E5F6G7H8J3",
};
const pipelineV1: Item = {
  pk: `pipeline#${pipelineId}`,
  sk: "pipeline",
  gsi3pk: "pipeline",
  gsi3sk: `new business#${pipelineId}`,
  entityType: "pipeline",
  id: pipelineId,
  name: "New business",
  stages: [
    { id: stageIds.qualified, name: "Qualified", winProbability: 20, closed: false, won: false },
    { id: stageIds.proposal, name: "Proposal", winProbability: 60, closed: false, won: false },
    { id: stageIds.won, name: "Closed won", winProbability: 100, closed: true, won: true },
    { id: stageIds.lost, name: "Closed lost", winProbability: 0, closed: true, won: false },
  ],
  version: 1,
  createdAt: "2026-11-20T09:00:00.000Z",
  updatedAt: "2026-11-20T09:00:00.000Z",
  createdBy: "user-admin",
  updatedBy: "user-admin",
};

/** The proposal stage got a rotting threshold and a higher probability. */
const pipelineV2: Item = {
  ...pipelineV1,
  stages: [
    { id: stageIds.qualified, name: "Qualified", winProbability: 20, closed: false, won: false },
    {
      id: stageIds.proposal,
      name: "Proposal",
      winProbability: 70,
      closed: false,
      won: false,
      rottingDays: 14,
    },
    { id: stageIds.won, name: "Closed won", winProbability: 100, closed: true, won: true },
    { id: stageIds.lost, name: "Closed lost", winProbability: 0, closed: true, won: false },
  ],
  version: 2,
  updatedAt: "2026-11-21T09:00:00.000Z",
};

const dealId = "deal_01JD7QE6F7G8H9J0K1M2N3P4Q5";
const dealV1: Item = {
  pk: `deal#${dealId}`,
  sk: "deal",
  gsi1pk: `deal#stage#${pipelineId}#${stageIds.qualified}`,
  gsi1sk: `2026-12-15#${dealId}`,
  gsi2pk: "deal#owner#user-bob",
  gsi2sk: `2026-12-15#${dealId}`,
  gsi3pk: "deal",
  gsi3sk: `${pipelineId}#2026-12-15#${dealId}`,
  entityType: "deal",
  id: dealId,
  name: "Analytical Engines: three-year plan",
  amount: 1_200_000,
  currency: "EUR",
  lineItems: [],
  expectedCloseDate: "2026-12-15",
  pipelineId,
  stageId: stageIds.qualified,
  status: "open",
  stageEnteredAt: "2026-11-23T10:30:00.000Z",
  stageHistory: [
    {
      pipelineId,
      stageId: stageIds.qualified,
      enteredAt: "2026-11-23T10:30:00.000Z",
      enteredBy: "user-bob",
    },
  ],
  ownerId: "user-bob",
  contactId: contactV1.id,
  companyId: companyV1.id,
  customFields: {},
  version: 1,
  createdAt: "2026-11-23T10:30:00.000Z",
  updatedAt: "2026-11-23T10:30:00.000Z",
  createdBy: "user-bob",
  updatedBy: "user-bob",
};

const dealV2: Item = {
  ...dealV1,
  amount: 1_500_000,
  lineItems: [{ name: "Engine licence, per year", quantity: 3, unitPrice: 500_000 }],
  version: 2,
  updatedAt: "2026-11-24T09:00:00.000Z",
};

/** Moved to the proposal stage: the first history entry is closed with its duration. */
const dealInProposal: Item = {
  ...dealV2,
  gsi1pk: `deal#stage#${pipelineId}#${stageIds.proposal}`,
  stageId: stageIds.proposal,
  stageEnteredAt: "2026-11-25T10:30:00.000Z",
  stageHistory: [
    {
      pipelineId,
      stageId: stageIds.qualified,
      enteredAt: "2026-11-23T10:30:00.000Z",
      enteredBy: "user-bob",
      leftAt: "2026-11-25T10:30:00.000Z",
      durationSeconds: 172_800,
    },
    {
      pipelineId,
      stageId: stageIds.proposal,
      enteredAt: "2026-11-25T10:30:00.000Z",
      enteredBy: "user-bob",
    },
  ],
  version: 3,
  updatedAt: "2026-11-25T10:30:00.000Z",
  changeVerb: "stage_changed",
};

const closedIn = (stageId: string, reason: string, changeVerb: string, when: string): Item => ({
  ...dealInProposal,
  gsi1pk: `deal#stage#${pipelineId}#${stageId}`,
  stageId,
  status: changeVerb,
  stageEnteredAt: when,
  closedAt: when,
  closeReason: reason,
  stageHistory: [
    (dealInProposal.stageHistory as Item[])[0],
    {
      pipelineId,
      stageId: stageIds.proposal,
      enteredAt: "2026-11-25T10:30:00.000Z",
      enteredBy: "user-bob",
      leftAt: when,
      durationSeconds: (Date.parse(when) - Date.parse("2026-11-25T10:30:00.000Z")) / 1000,
    },
    { pipelineId, stageId, enteredAt: when, enteredBy: "user-bob", reason },
  ],
  version: 4,
  updatedAt: when,
  changeVerb,
});

const dealWon = closedIn(
  stageIds.won,
  "Chose the three-year plan",
  "won",
  "2026-12-01T16:00:00.000Z",
);
const dealLost = closedIn(
  stageIds.lost,
  "Went with a competitor",
  "lost",
  "2026-12-02T11:00:00.000Z",
);

const commentId = "cmt_01JD7QF7G8H9J0K1M2N3P4Q5R6";
/** A root comment on Ada's contact that mentions Bob (his mention item is below). */
const commentV1: Item = {
  pk: `comment#${commentId}`,
  sk: "comment",
  gsi1pk: `comments#contact#${String(contactV1.id)}`,
  gsi1sk: commentId,
  entityType: "comment",
  id: commentId,
  record: { entity: "contact", id: String(contactV1.id) },
  body: "@user-bob can you send Ada the three-year pricing before Friday?",
  mentions: [{ userId: "user-bob", mentionedAt: "2026-11-23T10:40:00.000Z" }],
  version: 1,
  createdAt: "2026-11-23T10:40:00.000Z",
  updatedAt: "2026-11-23T10:40:00.000Z",
  createdBy: "user-alice",
  updatedBy: "user-alice",
};

/** Edited: Carol is mentioned too (and notified); Bob, already notified, is not again. */
const commentV2: Item = {
  ...commentV1,
  body: "@user-bob can you send Ada the three-year pricing before Friday? @user-carol for the discount.",
  mentions: [
    { userId: "user-bob", mentionedAt: "2026-11-23T10:40:00.000Z" },
    { userId: "user-carol", mentionedAt: "2026-11-23T10:45:00.000Z" },
  ],
  editedAt: "2026-11-23T10:45:00.000Z",
  version: 2,
  updatedAt: "2026-11-23T10:45:00.000Z",
};

/** Deleted while it had replies: kept for the thread, without its body or mentions. */
const { body: _deletedBody, ...commentKept } = commentV2;
const commentDeleted: Item = {
  ...commentKept,
  mentions: [],
  deletedAt: "2026-11-24T09:30:00.000Z",
  deletedBy: "user-alice",
  version: 3,
  updatedAt: "2026-11-24T09:30:00.000Z",
  changeVerb: "deleted",
};

const mentionOfBob: Item = {
  pk: "mentions#user-bob",
  sk: `2026-11-23T10:40:00.000Z#${commentId}`,
  entityType: "mention",
  id: "mnt_01JD7QF8A1B2C3D4E5F6G7H8J9",
  mentionedUserId: "user-bob",
  mentionedBy: "user-alice",
  commentId,
  record: { entity: "contact", id: String(contactV1.id) },
  excerpt: "@user-bob can you send Ada the three-year pricing before Friday?",
  version: 1,
  createdAt: "2026-11-23T10:40:00.000Z",
  updatedAt: "2026-11-23T10:40:00.000Z",
  createdBy: "user-alice",
  updatedBy: "user-alice",
};

const activityId = "act_01JD7QG8H9J0K1M2N3P4Q5R6S7";
/** A call logged against Ada and her company: the main item (its timeline copies are facets). */
const activityV1: Item = {
  pk: `activity#${activityId}`,
  sk: "activity",
  entityType: "activity",
  id: activityId,
  type: "call",
  occurredAt: "2026-11-23T14:00:00.000Z",
  ownerId: "user-bob",
  title: "Discovery call",
  body: "Ada wants the three-year pricing; follow up on Friday.",
  links: [
    { entity: "contact", id: String(contactV1.id) },
    { entity: "company", id: String(companyV1.id) },
  ],
  direction: "outbound",
  durationSeconds: 1260,
  outcome: "connected",
  phone: "+44 20 7946 0000",
  version: 1,
  createdAt: "2026-11-23T14:25:00.000Z",
  updatedAt: "2026-11-23T14:25:00.000Z",
  createdBy: "user-bob",
  updatedBy: "user-bob",
};

/** The call was earlier than logged, and is no longer on the company's timeline. */
const activityV2: Item = {
  ...activityV1,
  occurredAt: "2026-11-23T13:30:00.000Z",
  links: [{ entity: "contact", id: String(contactV1.id) }],
  version: 2,
  updatedAt: "2026-11-23T15:00:00.000Z",
};

const at = (iso: string) => new Date(iso);

/** An activity's tombstone keeps what its linked records' engagement needs (`retainOnDelete`). */
const activityTombstone = tombstoneItem(
  { pk: String(activityV2.pk), sk: String(activityV2.sk) },
  {
    entityType: "activity",
    id: activityId,
    version: 2,
    deletedBy: "user-bob",
    retained: {
      type: activityV2.type,
      occurredAt: activityV2.occurredAt,
      links: activityV2.links,
    },
  },
  at("2026-11-24T12:00:00.000Z"),
);

const tombstone = (record: Item, id: string, deletedBy: string, when: string): Item =>
  tombstoneItem(
    { pk: String(record.pk), sk: String(record.sk) },
    {
      entityType: String(record.entityType),
      id,
      version: Number(record.version),
      deletedBy,
    },
    at(when),
  );

/**
 * An SLA policy and a ticket it applies to. The ticket's versions are made by the ticket domain
 * itself (lib/tickets/lifecycle.ts, sla-state.ts), so the examples show real clocks.
 */
const slaPolicyId = "sla_01JD7QH2J3K4M5N6P7Q8R9S0T1";
const nineToFive = [{ start: "09:00", end: "17:00" }];
const slaPolicy: SlaPolicy = {
  id: slaPolicyId,
  name: "EMEA business hours",
  scope: { teamId: "support-emea" },
  targets: {
    low: { firstResponseSeconds: 28_800, resolutionSeconds: 144_000 },
    normal: { firstResponseSeconds: 14_400, resolutionSeconds: 86_400 },
    high: { firstResponseSeconds: 7_200, resolutionSeconds: 57_600 },
    urgent: { firstResponseSeconds: 3_600, resolutionSeconds: 28_800 },
  },
  calendar: {
    timeZone: "Europe/London",
    weeklyHours: {
      mon: nineToFive,
      tue: nineToFive,
      wed: nineToFive,
      thu: nineToFive,
      fri: nineToFive,
      sat: [],
      sun: [],
    },
    holidays: ["2026-12-25", "2026-12-28"],
  },
  warningFraction: 0.75,
  escalationOwnerId: "user-lena",
  version: 1,
  createdAt: "2026-11-20T09:00:00.000Z",
  updatedAt: "2026-11-20T09:00:00.000Z",
  createdBy: "user-admin",
  updatedBy: "user-admin",
};
const slaPolicyItem = (policy: SlaPolicy): Item => ({
  ...slaPolicyModel.key(policy.id),
  entityType: slaPolicyModel.type,
  ...policy,
});
const slaPolicyV1 = slaPolicyItem(slaPolicy);
const slaPolicyV2 = slaPolicyItem({
  ...slaPolicy,
  warningFraction: 0.8,
  version: 2,
  updatedAt: "2026-11-21T10:00:00.000Z",
});

const ticketItem = (ticket: Ticket, changeVerb?: string): Item =>
  stored({
    ...ticketModel.key(ticket.id),
    ...ticketModel.index(ticket),
    entityType: ticketModel.type,
    ...ticket,
    ...(changeVerb ? { changeVerb } : {}),
  });

const ticketCreated = newTicket(
  "tkt_01JD7QG5H6J7K8M9N0P1Q2R3S4",
  {
    subject: "Invoices show the wrong VAT rate",
    description: "Since Monday every invoice shows 19 % instead of 20 %.",
    requesterId: String(contactV1.id),
    channel: "email",
    priority: "high",
    assigneeId: "user-ann",
    teamId: "support-emea",
    tags: ["billing"],
    customFields: {},
  },
  {},
  "user-ann",
  at("2026-11-23T09:00:00.000Z"),
  slaPolicy,
);
const ticketReplied = applyReply(
  ticketCreated,
  { activityId: "act_01JD7QJ3K4M5N6P7Q8R9S0T1V2", visibility: "public", author: "agent" },
  "user-ann",
  at("2026-11-23T09:40:00.000Z"),
);
const ticketPending = patchTicket(
  ticketReplied.ticket,
  { status: "pending", tags: ["billing", "vat"] },
  {},
  "user-ann",
  at("2026-11-23T09:45:00.000Z"),
);
const ticketSolved = moveTo(
  ticketPending.ticket,
  "solved",
  "user-ann",
  at("2026-11-24T11:00:00.000Z"),
);
const ticketSolvedStamped = stamp(ticketSolved.ticket, "user-ann", at("2026-11-24T11:00:00.000Z"));

/** The SLA check's steps on the unanswered ticket, each stamped by the system at its instant. */
const slaStep = (ticket: Ticket, iso: string) => {
  const when = at(iso);
  const step = nextSlaStep(ticket, when);
  if (!step || !ticket.sla) throw new Error(`no SLA step at ${iso}`);
  return {
    ticket: stamp(
      applySlaStep({ ...ticket, sla: ticket.sla }, step, when, "user-lena"),
      SYSTEM_ACTOR,
      when,
    ),
    verb: step.kind,
  };
};
const ticketWarned = slaStep(ticketCreated, "2026-11-23T10:30:00.000Z");
const ticketBreached = slaStep(ticketWarned.ticket, "2026-11-23T11:00:00.000Z");
const ticketEscalated = slaStep(ticketBreached.ticket, "2026-11-23T11:00:00.000Z");

/** The solved ticket's satisfaction survey: sent, then answered. */
const csatSurvey = {
  surveyId: "csat_4f1c0a9e7b2d5c8e1a3f6b9d0c",
  ticketId: ticketSolvedStamped.id,
  requesterId: ticketSolvedStamped.requesterId,
  solvedVersion: ticketSolvedStamped.version,
  tokenHash: "",
  issuedAt: "2026-11-24T11:00:02.000Z",
  expiresAt: "2026-12-08T11:00:02.000Z",
};
const csatToken = "csat_4f1c0a9e7b2d5c8e1a3f6b9d0c.q3Xb7m2Zr9Kd0Wv5Ls8Pt1Yh6Nc4Fg0Ej2Ua7Io3Be5";
const ticketRated = withSatisfaction(
  ticketSolvedStamped,
  {
    surveyId: csatSurvey.surveyId,
    rating: 5,
    comment: "Fixed within a day, thank you!",
    receivedAt: "2026-11-25T08:12:00.000Z",
  },
  at("2026-11-25T08:12:00.000Z"),
);

let sequence = 100_000_000_000_000_000_000n;

/** A stream record as Lambda's DynamoDB event source delivers it. */
export const streamRecord = (
  eventName: "INSERT" | "MODIFY" | "REMOVE",
  images: { readonly old?: Item; readonly new?: Item },
): DynamoDBRecord => {
  const image = images.new ?? images.old ?? {};
  sequence += 1n;
  return {
    eventID: `sample-${sequence}`,
    eventName,
    eventVersion: "1.1",
    eventSource: "aws:dynamodb",
    awsRegion: "eu-west-1",
    dynamodb: {
      ApproximateCreationDateTime: 1_795_000_000,
      Keys: marshall({ pk: image.pk, sk: image.sk }) as never,
      ...(images.new ? { NewImage: marshall(images.new) as never } : {}),
      ...(images.old ? { OldImage: marshall(images.old) as never } : {}),
      SequenceNumber: String(sequence),
      SizeBytes: 512,
      StreamViewType: "NEW_AND_OLD_IMAGES",
    },
    eventSourceARN:
      "arn:aws:dynamodb:eu-west-1:123456789012:table/Crm-example-Table/stream/2026-11-23T00:00:00.000",
  };
};

export const sampleItems = { contactV1, contactV2, companyV1, companyV2, fieldV1, fieldV2 };

export const sampleStreamRecords: Readonly<Record<string, DynamoDBRecord>> = {
  [ContactEvents.Created]: streamRecord("INSERT", { new: contactV1 }),
  [ContactEvents.Updated]: streamRecord("MODIFY", { old: contactV1, new: contactV2 }),
  [ContactEvents.Deleted]: streamRecord("INSERT", {
    new: tombstone(contactV2, String(contactV2.id), "user-carol", "2026-11-24T08:00:00.000Z"),
  }),
  [CompanyEvents.Created]: streamRecord("INSERT", { new: companyV1 }),
  [CompanyEvents.Updated]: streamRecord("MODIFY", { old: companyV1, new: companyV2 }),
  [CompanyEvents.Deleted]: streamRecord("INSERT", {
    new: tombstone(companyV2, String(companyV2.id), "user-alice", "2026-11-24T09:00:00.000Z"),
  }),
  [CustomFieldEvents.Created]: streamRecord("INSERT", { new: fieldV1 }),
  [CustomFieldEvents.Updated]: streamRecord("MODIFY", { old: fieldV1, new: fieldV2 }),
  [CustomFieldEvents.Deleted]: streamRecord("INSERT", {
    new: tombstone(fieldV2, "contact.tier", "user-admin", "2026-11-24T10:00:00.000Z"),
  }),
  [WebhookEvents.Created]: streamRecord("INSERT", { new: webhookV1 }),
  [WebhookEvents.Updated]: streamRecord("MODIFY", { old: webhookV1, new: webhookV2 }),
  [WebhookEvents.Deleted]: streamRecord("INSERT", {
    new: tombstone(webhookV2, String(webhookV2.id), "user-admin", "2026-11-24T11:00:00.000Z"),
  }),
  [WebhookEvents.Disabled]: streamRecord("MODIFY", { old: webhookV2, new: webhookDisabled }),
  [LeadEvents.Created]: streamRecord("INSERT", { new: leadV1 }),
  [LeadEvents.Assigned]: streamRecord("MODIFY", { old: leadV1, new: leadAssigned }),
  [LeadEvents.ScoreChanged]: streamRecord("MODIFY", { old: leadAssigned, new: leadScored }),
  [LeadEvents.Updated]: streamRecord("MODIFY", { old: leadScored, new: stored(leadWorking) }),
  [LeadEvents.NurtureTouch]: streamRecord("MODIFY", { old: leadScored, new: leadNurtured }),
  [LeadEvents.Qualified]: streamRecord("MODIFY", {
    old: stored(leadWorking),
    new: stored(leadQualified),
  }),
  [LeadEvents.Converted]: streamRecord("MODIFY", {
    old: stored(leadQualified),
    new: stored(leadConverted),
  }),
  [LeadEvents.Deleted]: streamRecord("INSERT", {
    new: tombstone(stored(leadWorking), leadId, "user-alice", "2026-11-24T08:00:00.000Z"),
  }),
  [TaskEvents.Created]: streamRecord("INSERT", { new: taskV1 }),
  [TaskEvents.Updated]: streamRecord("MODIFY", { old: taskV1, new: taskV2 }),
  [TaskEvents.ReminderDue]: streamRecord("MODIFY", {
    old: taskV2,
    new: stored(taskReminderFired),
  }),
  [TaskEvents.Completed]: streamRecord("MODIFY", {
    old: stored(taskReminderFired),
    new: stored(taskDone),
  }),
  [TaskEvents.Deleted]: streamRecord("INSERT", {
    new: tombstone(stored(taskDone), taskId, "user-bob", "2026-11-27T09:00:00.000Z"),
  }),
  [PipelineEvents.Created]: streamRecord("INSERT", { new: pipelineV1 }),
  [PipelineEvents.Updated]: streamRecord("MODIFY", { old: pipelineV1, new: pipelineV2 }),
  [PipelineEvents.Deleted]: streamRecord("INSERT", {
    new: tombstone(pipelineV2, pipelineId, "user-admin", "2027-01-10T09:00:00.000Z"),
  }),
  [DealEvents.Created]: streamRecord("INSERT", { new: dealV1 }),
  [DealEvents.Updated]: streamRecord("MODIFY", { old: dealV1, new: dealV2 }),
  [DealEvents.StageChanged]: streamRecord("MODIFY", { old: dealV2, new: dealInProposal }),
  [DealEvents.Won]: streamRecord("MODIFY", { old: dealInProposal, new: dealWon }),
  [DealEvents.Lost]: streamRecord("MODIFY", { old: dealInProposal, new: dealLost }),
  [DealEvents.Deleted]: streamRecord("INSERT", {
    new: tombstone(dealWon, dealId, "user-alice", "2027-01-05T09:00:00.000Z"),
  }),
  [CommentEvents.Created]: streamRecord("INSERT", { new: commentV1 }),
  [CommentEvents.Updated]: streamRecord("MODIFY", { old: commentV1, new: commentV2 }),
  [CommentEvents.Deleted]: streamRecord("MODIFY", { old: commentV2, new: commentDeleted }),
  [MentionEvents.Created]: streamRecord("INSERT", { new: mentionOfBob }),
  [ActivityEvents.Created]: streamRecord("INSERT", { new: activityV1 }),
  [ActivityEvents.Updated]: streamRecord("MODIFY", { old: activityV1, new: activityV2 }),
  [ActivityEvents.Deleted]: streamRecord("INSERT", { new: activityTombstone }),
  [TicketEvents.Created]: streamRecord("INSERT", { new: ticketItem(ticketCreated) }),
  [TicketEvents.Replied]: streamRecord("MODIFY", {
    old: ticketItem(ticketCreated),
    new: ticketItem(ticketReplied.ticket, ticketReplied.changeVerb),
  }),
  [TicketEvents.Updated]: streamRecord("MODIFY", {
    old: ticketItem(ticketReplied.ticket),
    new: ticketItem(ticketPending.ticket),
  }),
  [TicketEvents.Solved]: streamRecord("MODIFY", {
    old: ticketItem(ticketPending.ticket),
    new: ticketItem(ticketSolvedStamped, ticketSolved.changeVerb),
  }),
  [TicketEvents.SlaWarning]: streamRecord("MODIFY", {
    old: ticketItem(ticketCreated),
    new: ticketItem(ticketWarned.ticket, ticketWarned.verb),
  }),
  [TicketEvents.SlaBreached]: streamRecord("MODIFY", {
    old: ticketItem(ticketWarned.ticket),
    new: ticketItem(ticketBreached.ticket, ticketBreached.verb),
  }),
  [TicketEvents.Escalated]: streamRecord("MODIFY", {
    old: ticketItem(ticketBreached.ticket),
    new: ticketItem(ticketEscalated.ticket, ticketEscalated.verb),
  }),
  [TicketEvents.Deleted]: streamRecord("INSERT", {
    new: tombstone(
      ticketItem(ticketSolvedStamped),
      ticketSolvedStamped.id,
      "user-admin",
      "2026-12-01T09:00:00.000Z",
    ),
  }),
  [CsatRequestEvents.Requested]: streamRecord("INSERT", {
    new: stored(
      requestItemOf(csatSurvey, csatToken, `https://help.example.com/survey/${csatToken}`),
    ),
  }),
  [TicketEvents.CsatReceived]: streamRecord("MODIFY", {
    old: ticketItem(ticketSolvedStamped),
    new: ticketItem(ticketRated, CSAT_RECEIVED),
  }),
  [SlaPolicyEvents.Created]: streamRecord("INSERT", { new: slaPolicyV1 }),
  [SlaPolicyEvents.Updated]: streamRecord("MODIFY", { old: slaPolicyV1, new: slaPolicyV2 }),
  [SlaPolicyEvents.Deleted]: streamRecord("INSERT", {
    new: tombstone(slaPolicyV2, slaPolicyId, "user-admin", "2026-12-01T10:00:00.000Z"),
  }),
};
