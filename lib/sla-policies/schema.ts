import * as z from "zod/mini";
import { teamId } from "#lib/lead-assignment/schema";
import { idOf, recordMeta, userId } from "#lib/records/common-schema";
import { businessCalendarSchema } from "#lib/sla/business-calendar";
import { ticketChannel } from "#lib/tickets/classification";

/**
 * SLA policies: how fast support must answer (first response) and solve (resolution) a ticket,
 * per priority, counted in business time on the policy's calendar. A policy applies to every
 * ticket, or only to one channel, one team, or both; the most specific policy that matches a new
 * ticket is applied to it (see `matching.ts`).
 */
export const MAX_SLA_POLICIES = 100;
/** 30 days; a policy also refuses targets its calendar cannot reach (`target_unreachable`). */
export const MAX_TARGET_SECONDS = 30 * 24 * 60 * 60;
export const DEFAULT_WARNING_FRACTION = 0.75;

export const slaPolicyId = idOf("sla");

const targetSeconds = z.int().check(z.minimum(1), z.maximum(MAX_TARGET_SECONDS));

/** The two targets of one priority, in business seconds. */
export const priorityTargets = z.strictObject({
  firstResponseSeconds: targetSeconds,
  resolutionSeconds: targetSeconds,
});

/** One pair of targets per priority: every priority must be covered. */
export const slaTargets = z.strictObject({
  low: priorityTargets,
  normal: priorityTargets,
  high: priorityTargets,
  urgent: priorityTargets,
});

/**
 * Which tickets a policy is for. Empty: the default policy, for tickets no other policy matches.
 * At most one policy per scope (a second one is a 409), so a match is never ambiguous.
 */
export const slaScope = z.strictObject({
  channel: z.optional(ticketChannel),
  teamId: z.optional(teamId),
});

/** Of the target, when the warning is due: `0.75` warns with a quarter of the time left. */
const warningFraction = z.number().check(z.gt(0), z.lte(1));
const name = z.string().check(z.trim(), z.minLength(1), z.maxLength(100));

export const createSlaPolicyBody = z.strictObject({
  name,
  scope: z._default(slaScope, {}),
  targets: slaTargets,
  /** Business hours; without one, the clocks count around the clock. */
  calendar: z.optional(businessCalendarSchema),
  /** `1` sends no warning. */
  warningFraction: z._default(warningFraction, DEFAULT_WARNING_FRACTION),
  /** Who an escalated ticket is reassigned to; without one, escalation keeps the assignee. */
  escalationOwnerId: z.optional(userId),
});

/** PATCH: `null` removes the calendar (around the clock) or the escalation owner. */
export const updateSlaPolicyBody = z
  .strictObject({
    name: z.optional(name),
    scope: z.optional(slaScope),
    targets: z.optional(slaTargets),
    calendar: z.optional(z.nullable(businessCalendarSchema)),
    warningFraction: z.optional(warningFraction),
    escalationOwnerId: z.optional(z.nullable(userId)),
  })
  .check(z.refine((body) => Object.keys(body).length > 0, "The patch changes nothing"));

const storedHours = z.array(z.object({ start: z.string(), end: z.string() }));

/** A calendar as stored and returned (`business-calendar.ts` validates the input). */
export const storedCalendar = z.object({
  timeZone: z.string(),
  weeklyHours: z.object({
    mon: storedHours,
    tue: storedHours,
    wed: storedHours,
    thu: storedHours,
    fri: storedHours,
    sat: storedHours,
    sun: storedHours,
  }),
  holidays: z.array(z.string()),
});

const storedPriorityTargets = z.object({
  firstResponseSeconds: z.int(),
  resolutionSeconds: z.int(),
});

/** Targets as stored and returned, on a policy and in a ticket's snapshot of it. */
export const storedTargets = z.object({
  low: storedPriorityTargets,
  normal: storedPriorityTargets,
  high: storedPriorityTargets,
  urgent: storedPriorityTargets,
});

export const slaPolicySchema = z.object({
  id: slaPolicyId,
  name: z.string(),
  scope: z.object({ channel: z.optional(ticketChannel), teamId: z.optional(z.string()) }),
  targets: storedTargets,
  calendar: z.optional(storedCalendar),
  warningFraction: z.number(),
  escalationOwnerId: z.optional(z.string()),
  ...recordMeta,
});

export const slaPolicyParams = z.strictObject({ slaPolicyId });

export type SlaPolicy = z.infer<typeof slaPolicySchema>;
export type SlaTargets = z.output<typeof slaTargets>;
export type SlaScope = z.output<typeof slaScope>;
export type CreateSlaPolicy = z.output<typeof createSlaPolicyBody>;
export type UpdateSlaPolicy = z.output<typeof updateSlaPolicyBody>;
