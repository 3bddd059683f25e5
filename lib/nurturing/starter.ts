import * as z from "zod/mini";
import type { BusEvent } from "#events/envelope";
import { LEAD_SOURCES, LEAD_STATUSES } from "#lib/leads/schema";
import { type NurturingConfig, nurturingConfig } from "#lib/nurturing/config";
import { executionNameOf, startNamedExecution } from "#lib/workflows/executions";

/** The declared state machine (lib/wiring/state-machines.ts). */
export const LEAD_NURTURING = "lead-nurturing";

/** One execution per lead, ever: its name is derived from the lead's id. */
export const nurtureExecutionName = (leadId: string): string => executionNameOf("nurture", leadId);

/** What an execution starts with: the lead, and the settings it keeps for its whole run. */
export interface NurtureInput {
  readonly leadId: string;
  readonly steps: NurturingConfig["steps"];
  readonly qualificationThreshold: number;
}

/** The fields of the `lead.created` event's data the decision needs. */
const createdLead = z.object({
  id: z.string().check(z.minLength(1)),
  source: z.enum(LEAD_SOURCES),
  status: z.enum(LEAD_STATUSES),
  optedOut: z.boolean(),
  email: z.optional(z.string()),
});

/** Statuses in which a new lead is nurtured; a lead created qualified needs no nurturing. */
const NURTURED_STATUSES: ReadonlySet<string> = new Set(["new", "working", "nurturing"]);

export type StartDecision =
  | { readonly start: true; readonly name: string; readonly input: NurtureInput }
  | {
      readonly start: false;
      readonly reason: "source_not_nurtured" | "opted_out" | "status" | "no_email";
    };

/** Whether a new lead is nurtured, and with what input. Pure: the configuration is passed in. */
export const startDecisionOf = (lead: unknown, config: NurturingConfig): StartDecision => {
  const parsed = createdLead.parse(lead);
  if (!(config.sources as readonly string[]).includes(parsed.source)) {
    return { start: false, reason: "source_not_nurtured" };
  }
  if (parsed.optedOut) return { start: false, reason: "opted_out" };
  // Touches are emails: a lead without an address could receive none of them.
  if (!parsed.email) return { start: false, reason: "no_email" };
  if (!NURTURED_STATUSES.has(parsed.status)) return { start: false, reason: "status" };
  return {
    start: true,
    name: nurtureExecutionName(parsed.id),
    input: {
      leadId: parsed.id,
      steps: config.steps,
      qualificationThreshold: config.qualificationThreshold,
    },
  };
};

export type StartOutcome =
  | { readonly outcome: "started" | "already_started"; readonly executionArn: string }
  | { readonly outcome: "skipped"; readonly reason: string };

/**
 * `lead.created` -> a nurturing execution, when the lead's source is nurtured. Idempotent: a
 * redelivered event (or a second event for the same lead) finds the name taken and starts
 * nothing; that is a success, so the rule does not retry it.
 */
export const startNurturing = async (
  event: BusEvent,
  config: NurturingConfig = nurturingConfig(),
): Promise<StartOutcome> => {
  const decision = startDecisionOf(event.detail.data, config);
  if (!decision.start) return { outcome: "skipped", reason: decision.reason };
  const started = await startNamedExecution(LEAD_NURTURING, decision.name, decision.input);
  return {
    outcome: started.started ? "started" : "already_started",
    executionArn: started.executionArn,
  };
};
