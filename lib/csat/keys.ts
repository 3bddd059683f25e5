import type { ItemKey } from "#lib/db/record-store";

/**
 * Every key format of satisfaction surveys, in one place. See docs/data-model.md.
 *
 * | item    | pk              | sk      | gsi |
 * |---------|-----------------|---------|-----|
 * | survey  | csat#<surveyId> | survey  | —   |
 * | request | csat#<surveyId> | request | —   |
 *
 * The survey is bookkeeping (not announced): the ticket and requester it is for, the SHA-256 of
 * its token's secret, when it expires, and whether it was answered. It is read by its id, which
 * the token carries: one GetItem per answer.
 *
 * The request is an outbox message: written in the same transaction as the survey, announced by
 * the stream as `ticket.csat_requested` with the token in it, and deleted right after, so the
 * token itself stays in the table only for that moment (its `ttl` covers a failed delete).
 */
export const SURVEY_ENTITY = "csat_survey";
/** A published entity (lib/events/published-entities.ts): its insert is `ticket.csat_requested`. */
export const REQUEST_ENTITY = "csat_request";

export const surveyKey = (surveyId: string): ItemKey => ({
  pk: `csat#${surveyId}`,
  sk: "survey",
});

export const requestKey = (surveyId: string): ItemKey => ({
  pk: `csat#${surveyId}`,
  sk: "request",
});
