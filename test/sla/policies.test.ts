import { GetCommand } from "@aws-sdk/lib-dynamodb";
import { beforeAll, describe, expect, it } from "vitest";
import type { Principal } from "#lib/auth/principal";
import { documentClient, tableName } from "#lib/db/client";
import { businessCalendarSchema } from "#lib/sla/business-calendar";
import { revisionKey, scopeGuardKey } from "#lib/sla-policies/keys";
import { loadPolicies } from "#lib/sla-policies/policy-set";
import type { CreateSlaPolicy } from "#lib/sla-policies/schema";
import {
  createSlaPolicy,
  deleteSlaPolicy,
  getSlaPolicy,
  listSlaPolicies,
  updateSlaPolicy,
} from "#lib/sla-policies/service";
import { rejectionOf } from "#test/support/domain-errors";
import { createTestTable } from "#test/support/dynamodb";

/**
 * SLA policies against DynamoDB Local: one policy per scope (a guard in the transaction), a
 * revision bumped by every change, and targets that must be reachable on the calendar.
 */
const admin: Principal = { userId: "admin-1", roles: ["admin"] };
const pair = { firstResponseSeconds: 60, resolutionSeconds: 600 };
const input = (over: Partial<CreateSlaPolicy> = {}): CreateSlaPolicy => ({
  name: "Policy",
  scope: {},
  targets: { low: pair, normal: pair, high: pair, urgent: pair },
  warningFraction: 0.75,
  ...over,
});

const item = async (key: { pk: string; sk: string }) =>
  (
    await documentClient.send(
      new GetCommand({ TableName: tableName(), Key: key, ConsistentRead: true }),
    )
  ).Item;

beforeAll(async () => {
  await createTestTable("sla-policies");
});

describe("SLA policies", () => {
  it("allows one policy per scope, and frees the scope when it moves", async () => {
    const email = await createSlaPolicy(
      input({ name: "Email", scope: { channel: "email" } }),
      admin,
    );
    const taken = await rejectionOf(
      createSlaPolicy(input({ name: "Email again", scope: { channel: "email" } }), admin),
    );
    expect(taken).toMatchObject({
      kind: "conflict",
      code: "sla_policy.scope_taken",
      extensions: { existingId: email.id },
    });
    const moved = await updateSlaPolicy(
      email.id,
      { scope: { channel: "email", teamId: "vip" } },
      1,
      admin,
    );
    expect(moved).toMatchObject({ version: 2, scope: { channel: "email", teamId: "vip" } });
    expect(await item(scopeGuardKey({ channel: "email" }))).toBeUndefined();
    expect(await createSlaPolicy(input({ scope: { channel: "email" } }), admin)).toMatchObject({
      scope: { channel: "email" },
    });
  });

  it("bumps the revision with every change, and reads every policy in one Query", async () => {
    const before = await loadPolicies();
    const policy = await createSlaPolicy(
      input({ name: "Chat", scope: { channel: "chat" } }),
      admin,
    );
    await updateSlaPolicy(policy.id, { warningFraction: 0.5 }, undefined, admin);
    const during = await loadPolicies();
    expect(during.revision).toBe(before.revision + 2);
    expect(during.policies.find((p) => p.id === policy.id)?.warningFraction).toBe(0.5);
    await deleteSlaPolicy(policy.id, 2, admin);
    const afterDelete = await loadPolicies();
    expect(afterDelete.revision).toBe(before.revision + 3);
    expect(afterDelete.policies.map((p) => p.id)).toEqual(before.policies.map((p) => p.id));
    expect(await item(revisionKey())).toMatchObject({
      policyCount: before.policies.length,
    });
    expect((await rejectionOf(getSlaPolicy(policy.id))).code).toBe("sla_policy.not_found");
  });

  it("refuses targets the calendar cannot reach, and keeps the calendar it is given", async () => {
    const sparse = businessCalendarSchema.parse({
      timeZone: "Europe/Paris",
      weeklyHours: { mon: [{ start: "09:00", end: "09:30" }] },
    });
    const long = { firstResponseSeconds: 3600, resolutionSeconds: 30 * 24 * 3600 };
    const error = await rejectionOf(
      createSlaPolicy(
        input({
          scope: { teamId: "sparse" },
          calendar: sparse,
          targets: { low: long, normal: pair, high: pair, urgent: pair },
        }),
        admin,
      ),
    );
    expect(error).toMatchObject({ kind: "invalid", code: "sla_policy.target_unreachable" });
    const ok = await createSlaPolicy(
      input({ scope: { teamId: "sparse" }, calendar: sparse }),
      admin,
    );
    expect((await getSlaPolicy(ok.id)).calendar).toEqual(sparse);
    // Removing the calendar counts around the clock again.
    const cleared = await updateSlaPolicy(ok.id, { calendar: null }, undefined, admin);
    expect(cleared.calendar).toBeUndefined();
  });

  it("lists policies oldest first, paged", async () => {
    const all = await listSlaPolicies({ limit: 100 });
    const first = await listSlaPolicies({ limit: 2 });
    expect(first.data).toEqual(all.data.slice(0, 2));
    expect(first.nextCursor).not.toBeNull();
    const second = await listSlaPolicies({ limit: 100, cursor: first.nextCursor ?? undefined });
    expect([...first.data, ...second.data]).toEqual(all.data);
  });

  it("refuses a stale If-Match with a 412", async () => {
    const policy = await createSlaPolicy(input({ scope: { teamId: "stale" } }), admin);
    const error = await rejectionOf(updateSlaPolicy(policy.id, { name: "x" }, 7, admin));
    expect(error).toMatchObject({
      kind: "precondition_failed",
      code: "sla_policy.version_mismatch",
    });
  });
});
