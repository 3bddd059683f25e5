import * as z from "zod/mini";
import { isoDateTime, recordMeta } from "#lib/records/common-schema";

/**
 * Customer satisfaction (CSAT): when a ticket is solved its requester is sent a survey, and
 * answers it once, without a token of the API, on the public route `POST /csat/{token}` with a
 * rating from 1 to 5 and an optional comment. The answer is recorded on the ticket
 * (`satisfaction`, announced as `ticket.csat_received`).
 *
 * Nothing here imports the tickets: the ticket schema imports `ticketSatisfactionSchema`.
 */
/** A rating, as the requester gives it and the ticket keeps it: 1 to 5. */
const rating = z.int().check(z.minimum(1), z.maximum(5));

export const csatTokenParams = z.strictObject({
  /** `<surveyId>.<secret>`, as sent to the requester; anything else is a 404. */
  token: z.string().check(z.minLength(1), z.maxLength(200)),
});

export const answerSurveyBody = z.strictObject({
  rating,
  comment: z.optional(z.string().check(z.trim(), z.minLength(1), z.maxLength(2000))),
});

/** The requester's answer, as the ticket keeps it (the latest, should it be solved again). */
export const ticketSatisfactionSchema = z.object({
  surveyId: z.string(),
  rating,
  comment: z.optional(z.string()),
  receivedAt: isoDateTime,
});

/** `GET /csat/{token}`: what a survey page shows, and nothing more about the ticket. */
export const surveyViewSchema = z.object({
  ticketSubject: z.string(),
  answered: z.boolean(),
  expiresAt: isoDateTime,
});

/**
 * `ticket.csat_requested`: a survey to send to the requester. It carries the token (and the
 * link, when the customer configured a survey page), the one place the token is ever shown: see
 * docs/support.md for who can read it. `version` is the ticket's version that solved it.
 */
export const csatRequestSchema = z.object({
  id: z.string(),
  ticketId: z.string(),
  requesterId: z.string(),
  token: z.string(),
  surveyUrl: z.optional(z.string()),
  expiresAt: isoDateTime,
  ...recordMeta,
});

export type AnswerSurvey = z.output<typeof answerSurveyBody>;
export type TicketSatisfaction = z.infer<typeof ticketSatisfactionSchema>;
export type SurveyView = z.infer<typeof surveyViewSchema>;
export type CsatRequest = z.infer<typeof csatRequestSchema>;
