import { REQUEST_ENTITY, requestKey } from "#lib/csat/keys";
import type { CsatRequest, TicketSatisfaction } from "#lib/csat/schema";
import { CsatRequestEvents, splitDetailType, TicketEvents } from "#lib/events/detail-types";
import { stamp } from "#lib/records/mutate";
import type { Ticket } from "#lib/tickets/schema";

/**
 * The satisfaction survey's items and changes as pure functions, shared by the service, the
 * event samples and the tests.
 */

/** The actor of the survey's writes, in events and history. */
export const CSAT_ACTOR = "csat-survey";

/** `ticket.csat_requested`, the outbox item's verb. */
export const CSAT_REQUESTED = splitDetailType(CsatRequestEvents.Requested).verb;
/** `ticket.csat_received`, the ticket write's verb. */
export const CSAT_RECEIVED = splitDetailType(TicketEvents.CsatReceived).verb;

/** What the table keeps of a survey: never the token, only its secret's hash. */
export interface SurveyItem {
  readonly surveyId: string;
  readonly ticketId: string;
  readonly requesterId: string;
  /** The ticket's version that solved it. */
  readonly solvedVersion: number;
  readonly tokenHash: string;
  readonly issuedAt: string;
  readonly expiresAt: string;
  readonly answeredAt?: string;
  readonly rating?: number;
}

/** How long the outbox item may outlive a failed delete (AWS deletes it by `ttl`). */
const REQUEST_TTL_SECONDS = 24 * 60 * 60;

/**
 * The outbox item of a survey: announced once, on its insert, as `ticket.csat_requested` (its
 * `changeVerb`), with the token; `version` is the ticket's version that solved it.
 */
export const requestItemOf = (survey: SurveyItem, token: string, surveyUrl?: string) => {
  const request: CsatRequest = {
    id: survey.surveyId,
    ticketId: survey.ticketId,
    requesterId: survey.requesterId,
    token,
    ...(surveyUrl ? { surveyUrl } : {}),
    expiresAt: survey.expiresAt,
    version: survey.solvedVersion,
    createdAt: survey.issuedAt,
    updatedAt: survey.issuedAt,
    createdBy: CSAT_ACTOR,
    updatedBy: CSAT_ACTOR,
  };
  return {
    ...requestKey(survey.surveyId),
    entityType: REQUEST_ENTITY,
    changeVerb: CSAT_REQUESTED,
    ...request,
    ttl: Math.floor(Date.parse(survey.issuedAt) / 1000) + REQUEST_TTL_SECONDS,
  };
};

/** The ticket with the requester's answer: the next version, by the survey's actor. */
export const withSatisfaction = (
  ticket: Ticket,
  satisfaction: TicketSatisfaction,
  now: Date,
): Ticket => stamp({ ...ticket, satisfaction }, CSAT_ACTOR, now);
