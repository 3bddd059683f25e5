import { TransactionCanceledException } from "@aws-sdk/client-dynamodb";
import { DeleteCommand, TransactWriteCommand } from "@aws-sdk/lib-dynamodb";
import * as z from "zod/mini";
import type { BusEvent } from "#events/envelope";
import { type CsatConfig, csatConfig, surveyLinkOf } from "#lib/csat/config";
import { requestKey, SURVEY_ENTITY, surveyKey } from "#lib/csat/keys";
import { requestItemOf, type SurveyItem } from "#lib/csat/survey";
import { hashOf, newSecret, surveyIdOf, tokenOf } from "#lib/csat/token";
import { documentClient, tableName } from "#lib/db/client";

/**
 * Issuing a satisfaction survey when a ticket is solved (the `csat-survey` rule's
 * `ticket.solved`). One transaction writes the survey (with its token's hash only) and an outbox
 * item that the stream announces as `ticket.csat_requested`, with the token, for the email
 * integration to send; the outbox item is deleted right after. Writes never publish: the event
 * exists exactly when the survey does.
 */

/** The fields of the solved ticket the survey needs. */
const solvedTicket = z.object({
  id: z.string().check(z.minLength(1)),
  requesterId: z.string().check(z.minLength(1)),
});

export type IssueOutcome =
  | { readonly outcome: "issued"; readonly surveyId: string; readonly token: string }
  | { readonly outcome: "already_issued"; readonly surveyId: string };

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Issues the survey of one solving of a ticket. A redelivered event finds the survey (its id
 * comes from the ticket and the solving version) and issues nothing; it only finishes deleting
 * the outbox item. The token is returned for the caller's log-free use (tests, benchmarks).
 */
export const issueSurvey = async (
  ticket: { readonly id: string; readonly requesterId: string },
  solvedVersion: number,
  config: CsatConfig = csatConfig(),
  now = new Date(),
): Promise<IssueOutcome> => {
  const surveyId = surveyIdOf(ticket.id, solvedVersion);
  const secret = newSecret();
  const token = tokenOf(surveyId, secret);
  const issuedAt = now.toISOString();
  const expiresAt = new Date(now.getTime() + config.expiryDays * DAY_MS).toISOString();
  const survey: SurveyItem = {
    surveyId,
    ticketId: ticket.id,
    requesterId: ticket.requesterId,
    solvedVersion,
    tokenHash: hashOf(secret),
    issuedAt,
    expiresAt,
  };
  try {
    await documentClient.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Put: {
              TableName: tableName(),
              Item: {
                ...surveyKey(surveyId),
                entityType: SURVEY_ENTITY,
                ...survey,
                // Kept a while after it can no longer be answered, then removed by AWS.
                ttl: Math.floor(Date.parse(expiresAt) / 1000) + 30 * 24 * 60 * 60,
              },
              ConditionExpression: "attribute_not_exists(pk)",
            },
          },
          {
            Put: {
              TableName: tableName(),
              Item: requestItemOf(survey, token, surveyLinkOf(config, token)),
            },
          },
        ],
      }),
    );
  } catch (error) {
    const surveyExists =
      error instanceof TransactionCanceledException &&
      error.CancellationReasons?.[0]?.Code === "ConditionalCheckFailed";
    if (!surveyExists) throw error;
    await deleteRequest(surveyId);
    return { outcome: "already_issued", surveyId };
  }
  await deleteRequest(surveyId);
  return { outcome: "issued", surveyId, token };
};

/** The stream has the outbox item's insert; the table need not keep the token. */
const deleteRequest = async (surveyId: string) => {
  await documentClient.send(
    new DeleteCommand({ TableName: tableName(), Key: requestKey(surveyId) }),
  );
};

/** `ticket.solved` -> the survey of that solving. */
export const issueSurveyForEvent = async (
  event: BusEvent,
  config: CsatConfig = csatConfig(),
): Promise<IssueOutcome> => {
  const ticket = solvedTicket.parse(event.detail.data);
  return issueSurvey(ticket, event.detail.version, config);
};
