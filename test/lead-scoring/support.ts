import { randomUUID } from "node:crypto";
import type { BusEvent, Envelope, FieldChange } from "#events/envelope";
import {
  type EngagementDetailType,
  EngagementEvents,
} from "#events/integration/engagement-detail-types";
import { engagementExamples } from "#events/integration/engagement-samples";
import type { Principal } from "#lib/auth/principal";
import type { ScoringModelInput } from "#lib/lead-scoring/schema";
import type { CreateLead, Lead } from "#lib/leads/schema";

/**
 * Events as the lead scoring rules' target receives them, built from the records a test made,
 * so that the consumer is driven exactly as the bus would drive it, without the publisher.
 */
export const admin: Principal = { userId: "admin-1", roles: ["admin"] };

export const leadInput = (fields: Partial<CreateLead> = {}): CreateLead => ({
  firstName: "Grace",
  lastName: "Hopper",
  email: `grace-${randomUUID().slice(0, 8)}@cobol.example`,
  title: "Head of Engineering",
  industry: "Software",
  employees: 250,
  country: "US",
  source: "import",
  status: "new",
  optedOut: false,
  customFields: {},
  ...fields,
});

const delivered = (detailType: string, envelope: Omit<Envelope, "schemaVersion" | "eventId">) =>
  ({
    version: "0",
    id: randomUUID(),
    source: "crm",
    "detail-type": detailType,
    time: envelope.occurredAt,
    account: "123456789012",
    region: "eu-west-1",
    resources: [],
    detail: { schemaVersion: 1, eventId: randomUUID(), ...envelope },
  }) satisfies BusEvent & Record<string, unknown>;

export const leadCreated = (lead: Lead) =>
  delivered("lead.created", {
    occurredAt: lead.createdAt,
    entity: "lead",
    id: lead.id,
    version: lead.version,
    actor: lead.createdBy,
    data: lead,
    changes: {},
  });

export const leadUpdated = (
  lead: Lead,
  changes: Record<string, FieldChange>,
  actor = "user-bob",
  detailType = "lead.updated",
) =>
  delivered(detailType, {
    occurredAt: lead.updatedAt,
    entity: "lead",
    id: lead.id,
    version: lead.version,
    actor,
    data: lead,
    changes,
  });

export const leadDeleted = (leadId: string, version: number) =>
  delivered("lead.deleted", {
    occurredAt: new Date().toISOString(),
    entity: "lead",
    id: leadId,
    version,
    actor: "user-bob",
    data: null,
    changes: {},
  });

export interface ActivityFacts {
  readonly id: string;
  readonly version: number;
  readonly type?: "email" | "call" | "meeting" | "note" | "social";
  readonly occurredAt?: string;
  readonly leadIds: readonly string[];
  /** The leads it linked before this change (an update's `changes.links.from`). */
  readonly linkedBefore?: readonly string[];
}

const linksOf = (leadIds: readonly string[]) => [
  { entity: "contact", id: "con_01JD7QD4E5F6G7H8J9K0M1N2P3" },
  ...leadIds.map((id) => ({ entity: "lead", id })),
];

export const activityEvent = (verb: "created" | "updated" | "deleted", facts: ActivityFacts) => {
  const occurredAt = facts.occurredAt ?? new Date().toISOString();
  const type = facts.type ?? "call";
  const data = {
    id: facts.id,
    type,
    occurredAt,
    links: linksOf(facts.leadIds),
    direction: "outbound",
    durationSeconds: 300,
    outcome: "connected",
    version: facts.version,
  };
  return delivered(`activity.${verb}`, {
    occurredAt: new Date().toISOString(),
    entity: "activity",
    id: facts.id,
    version: facts.version,
    actor: "user-bob",
    data: verb === "deleted" ? null : data,
    changes:
      verb === "deleted"
        ? {
            type: { from: type },
            occurredAt: { from: occurredAt },
            links: { from: linksOf(facts.leadIds) },
          }
        : facts.linkedBefore
          ? { links: { from: linksOf(facts.linkedBefore), to: linksOf(facts.leadIds) } }
          : {},
  });
};

/** An integration's engagement event, from the catalogue's example with these fields. */
export const engagementEvent = (
  detailType: EngagementDetailType,
  detail: { readonly email: string } & Readonly<Record<string, unknown>>,
  source = "integration.email-platform",
) => {
  const example = engagementExamples[detailType];
  return {
    ...example,
    id: randomUUID(),
    source,
    detail: {
      ...example.detail,
      externalId: `ext-${randomUUID()}`,
      occurredAt: new Date().toISOString(),
      ...detail,
    },
  };
};

export const clicked = (email: string, fields: Record<string, unknown> = {}) =>
  engagementEvent(EngagementEvents.EmailClicked, { email, ...fields });

/** A model with one rule of each kind the tests look at. */
export const testModel: ScoringModelInput = {
  fitRules: [
    {
      id: "title-head",
      when: { attribute: "title", match: "contains", values: ["head"] },
      points: 20,
    },
    { id: "software", when: { attribute: "industry", values: ["software"] }, points: 15 },
  ],
  engagementRules: [
    {
      id: "calls",
      signal: "activity",
      activityTypes: ["call"],
      points: 10,
      decay: { kind: "none" },
    },
    {
      id: "clicks",
      signal: "email_clicked",
      points: 5,
      cap: 15,
      decay: { kind: "half_life", days: 7 },
    },
    { id: "web-form", signal: "form_submitted", points: 8, decay: { kind: "linear", days: 30 } },
  ],
};
