import { DomainError } from "#lib/errors/domain-error";
import type { LeadStatus } from "#lib/leads/schema";

/**
 * Which status a lead may move to from each status, through `changeLeadStatus`. `converted` is
 * absent everywhere: only conversion (`markLeadConverted`) reaches it, and nothing leaves it.
 * Qualified and unqualified leads can be reopened, because a sales rep's judgement is revisable;
 * nothing goes back to `new`, which only ever means "nobody has looked at it yet".
 */
export const LEAD_STATUS_TRANSITIONS: Readonly<Record<LeadStatus, readonly LeadStatus[]>> = {
  new: ["working", "nurturing", "qualified", "unqualified"],
  working: ["nurturing", "qualified", "unqualified"],
  nurturing: ["working", "qualified", "unqualified"],
  qualified: ["working", "nurturing", "unqualified"],
  unqualified: ["working", "nurturing", "qualified"],
  converted: [],
};

/** The verb of the event a status change is announced with, when it is not `lead.updated`. */
export const statusChangeVerb = (to: LeadStatus): string | undefined =>
  to === "qualified" ? "qualified" : undefined;

/** Throws the error a client should see when `from` -> `to` is not allowed; same status is allowed. */
export const assertStatusTransition = (id: string, from: LeadStatus, to: LeadStatus): void => {
  if (from === to) return;
  if (from === "converted") {
    throw new DomainError(
      "conflict",
      "lead.already_converted",
      `The lead ${id} is converted; a converted lead does not change status.`,
      { id, status: from },
    );
  }
  if (to === "converted") {
    throw new DomainError(
      "unprocessable",
      "lead.conversion_required",
      `A lead becomes converted only through POST /leads/${id}/convert.`,
      { id, status: from },
    );
  }
  if (!LEAD_STATUS_TRANSITIONS[from].includes(to)) {
    throw new DomainError(
      "unprocessable",
      "lead.invalid_status_transition",
      `A ${from} lead cannot become ${to}; from ${from} it can become ${LEAD_STATUS_TRANSITIONS[from].join(", ")}.`,
      { id, from, to, allowed: LEAD_STATUS_TRANSITIONS[from] },
    );
  }
};
