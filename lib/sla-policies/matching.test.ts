import { describe, expect, it } from "vitest";
import { matchPolicy } from "#lib/sla-policies/matching";
import type { SlaPolicy, SlaScope } from "#lib/sla-policies/schema";

const targets = { firstResponseSeconds: 60, resolutionSeconds: 600 };
const policy = (id: string, scope: SlaScope): SlaPolicy => ({
  id,
  name: id,
  scope,
  targets: { low: targets, normal: targets, high: targets, urgent: targets },
  warningFraction: 0.75,
  version: 1,
  createdAt: "2026-11-23T09:00:00.000Z",
  updatedAt: "2026-11-23T09:00:00.000Z",
  createdBy: "admin",
  updatedBy: "admin",
});

const fallback = policy("default", {});
const email = policy("email", { channel: "email" });
const vip = policy("vip", { teamId: "vip" });
const vipChat = policy("vip-chat", { channel: "chat", teamId: "vip" });
const all = [fallback, email, vip, vipChat];

describe("SLA policy matching", () => {
  it("picks the most specific policy the ticket fits", () => {
    expect(matchPolicy(all, { channel: "chat", teamId: "vip" })?.id).toBe("vip-chat");
    // A team beats a channel.
    expect(matchPolicy(all, { channel: "email", teamId: "vip" })?.id).toBe("vip");
    expect(matchPolicy(all, { channel: "email" })?.id).toBe("email");
    expect(matchPolicy(all, { channel: "email", teamId: "billing" })?.id).toBe("email");
    expect(matchPolicy(all, { channel: "phone", teamId: "billing" })?.id).toBe("default");
  });

  it("does not depend on the order of the policies", () => {
    expect(matchPolicy([...all].reverse(), { channel: "chat", teamId: "vip" })?.id).toBe(
      "vip-chat",
    );
    expect(matchPolicy([vip, email], { channel: "email", teamId: "vip" })?.id).toBe("vip");
  });

  it("never applies a policy scoped to another channel or team", () => {
    expect(matchPolicy([email, vip, vipChat], { channel: "web" })).toBeUndefined();
    expect(matchPolicy([vipChat], { channel: "chat" })).toBeUndefined();
    expect(matchPolicy([], { channel: "chat", teamId: "vip" })).toBeUndefined();
  });
});
