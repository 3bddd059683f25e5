import { beforeAll, describe, expect, it } from "vitest";
import { handler } from "#functions/lead-assignment/handler";
import type { Principal } from "#lib/auth/principal";
import {
  ASSIGNMENT_ACTOR,
  assignLead,
  getAssignmentConfig,
  putAssignmentConfig,
} from "#lib/lead-assignment/service";
import type { CreateLead } from "#lib/leads/schema";
import { createLead, getLead } from "#lib/leads/service";
import { lambdaContext } from "#test/support/api-gateway-event";
import { rejectionOf } from "#test/support/domain-errors";
import { createTestTable } from "#test/support/dynamodb";

const alice: Principal = { userId: "alice", roles: ["sales"] };
const team = ["ana", "ben", "cem", "dan", "eva"];

const lead = (over: Partial<CreateLead> = {}): CreateLead => ({
  email: "lead@example.com",
  source: "import",
  status: "new",
  optedOut: false,
  customFields: {},
  ...over,
});

beforeAll(async () => {
  await createTestTable("lead-assignment");
  await putAssignmentConfig(
    {
      teams: [
        { id: "dach", name: "DACH", members: team },
        { id: "solo", name: "Solo", members: ["sol"] },
      ],
      rules: [
        {
          name: "Enterprise",
          when: { employees: { min: 10_000 } },
          assignTo: { userId: "enterprise-rep" },
        },
        { name: "DACH", when: { countries: ["DE", "AT", "CH"] }, assignTo: { teamId: "dach" } },
        { name: "Events", when: { sources: ["event"] }, assignTo: { teamId: "solo" } },
      ],
    },
    0,
    "admin-1",
  );
});

describe("the assignment configuration", () => {
  it("is versioned: If-Match must name the stored version", async () => {
    const current = await getAssignmentConfig();
    expect(current.version).toBe(1);
    expect(
      await rejectionOf(
        putAssignmentConfig({ rules: current.rules, teams: current.teams }, 0, "x"),
      ),
    ).toMatchObject({ kind: "precondition_failed", code: "lead-assignment.version_mismatch" });
    const saved = await putAssignmentConfig(
      { rules: current.rules, teams: current.teams },
      1,
      "admin-2",
    );
    expect(saved).toMatchObject({ version: 2, updatedBy: "admin-2" });
    expect(await getAssignmentConfig()).toEqual(saved);
  });
});

describe("assigning a new lead", () => {
  it("gives a user rule's lead to that user, and says which rule did", async () => {
    const { id } = await createLead(lead({ country: "DE", employees: 20_000 }), alice);
    expect(await assignLead(id)).toEqual({
      outcome: "assigned",
      ownerId: "enterprise-rep",
      rule: "Enterprise",
    });
    expect(await getLead(id)).toMatchObject({
      ownerId: "enterprise-rep",
      assignedByRule: "Enterprise",
      updatedBy: ASSIGNMENT_ACTOR,
      version: 2,
    });
  });

  it("leaves owned, unmatched and missing leads alone", async () => {
    const owned = await createLead(lead({ country: "DE", ownerId: "alice" }), alice);
    expect(await assignLead(owned.id)).toEqual({ outcome: "already_owned" });
    const unmatched = await createLead(lead({ country: "US" }), alice);
    expect(await assignLead(unmatched.id)).toEqual({ outcome: "no_match" });
    expect((await getLead(unmatched.id)).version).toBe(1);
    expect(await assignLead("lead_01JD7QD4E5F6G7H8J9K0M1N2ZZ")).toEqual({
      outcome: "not_found",
    });
  });

  it("assigns once however often the lead.created event is delivered", async () => {
    const { id } = await createLead(lead({ source: "event" }), alice);
    const event = {
      id: "bus-1",
      source: "crm",
      "detail-type": "lead.created",
      time: "2026-11-23T10:00:00Z",
      detail: {
        schemaVersion: 1,
        eventId: "evt-1",
        occurredAt: "2026-11-23T10:00:00.000Z",
        entity: "lead",
        id,
        version: 1,
        actor: "alice",
        data: { id },
        changes: {},
      },
    };
    const outcomes = await Promise.all([1, 2, 3].map(() => handler(event, lambdaContext)));
    expect(outcomes.filter((o) => o.outcome === "assigned")).toHaveLength(1);
    expect(await getLead(id)).toMatchObject({ ownerId: "sol", teamId: "solo", version: 2 });
  });

  it("rotates a team fairly under concurrent assignments: each member once per round", async () => {
    const leads = await Promise.all(
      Array.from({ length: team.length * 2 }, () => createLead(lead({ country: "AT" }), alice)),
    );
    const outcomes = await Promise.all(leads.map(({ id }) => assignLead(id)));
    const owners = outcomes.map((o) => (o.outcome === "assigned" ? o.ownerId : o.outcome));
    expect(outcomes.every((o) => o.outcome === "assigned" && o.teamId === "dach")).toBe(true);
    // Ten concurrent turns of a five-member team: everyone exactly twice, no one skipped.
    for (const member of team) {
      expect(
        owners.filter((owner) => owner === member),
        member,
      ).toHaveLength(2);
    }
    const stored = await Promise.all(leads.map(({ id }) => getLead(id)));
    expect(stored.map((l) => l.ownerId).sort()).toEqual([...owners].sort());
  });

  it("continues the rotation where it left off", async () => {
    const owners: string[] = [];
    for (let i = 0; i < team.length; i++) {
      const { id } = await createLead(lead({ country: "CH" }), alice);
      const outcome = await assignLead(id);
      if (outcome.outcome === "assigned") owners.push(outcome.ownerId);
    }
    expect([...owners].sort()).toEqual([...team].sort());
    // One full round from wherever the cursor stood: consecutive members, in the listed order.
    const start = team.indexOf(owners[0] ?? "");
    expect(owners).toEqual(team.map((_, i) => team[(start + i) % team.length]));
  });
});
