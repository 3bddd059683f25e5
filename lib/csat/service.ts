import { GetCommand } from "@aws-sdk/lib-dynamodb";
import { surveyKey } from "#lib/csat/keys";
import type { AnswerSurvey, SurveyView, TicketSatisfaction } from "#lib/csat/schema";
import { CSAT_RECEIVED, type SurveyItem, withSatisfaction } from "#lib/csat/survey";
import { parseToken, secretMatches } from "#lib/csat/token";
import { documentClient, tableName } from "#lib/db/client";
import { getRecord, WriteConflict } from "#lib/db/record-store";
import { DomainError } from "#lib/errors/domain-error";
import { mutateRecord } from "#lib/records/mutate";
import { ticketModel } from "#lib/tickets/keys";

/**
 * Answering a satisfaction survey on the public route, with the token the requester was sent.
 *
 * A token that does not open a survey is a 404 `csat.survey_not_found`, whatever the reason:
 * malformed, forged (no such survey, or the wrong secret), expired, or its ticket deleted. The
 * caller learns nothing about which, so the route cannot be used to probe for surveys. A token
 * that opens a survey already answered is a 409 `csat.already_answered`: only the holder of the
 * real token can learn that.
 */

const surveyNotFound = () =>
  new DomainError(
    "not_found",
    "csat.survey_not_found",
    "No survey can be answered with this link: it may be mistyped or expired.",
  );

const alreadyAnswered = () =>
  new DomainError("conflict", "csat.already_answered", "This survey was answered already.");

const readSurvey = async (surveyId: string): Promise<SurveyItem | undefined> => {
  const { Item } = await documentClient.send(
    new GetCommand({ TableName: tableName(), Key: surveyKey(surveyId), ConsistentRead: true }),
  );
  return Item as SurveyItem | undefined;
};

/** The survey the token opens at `now`, or a 404 that does not say why. */
const openSurvey = async (token: string, now: Date): Promise<SurveyItem> => {
  const parts = parseToken(token);
  if (!parts) throw surveyNotFound();
  const survey = await readSurvey(parts.surveyId);
  if (!survey || !secretMatches(parts.secret, survey.tokenHash)) throw surveyNotFound();
  if (Date.parse(survey.expiresAt) <= now.getTime()) throw surveyNotFound();
  return survey;
};

/** `GET /csat/{token}`: the ticket's subject, for the survey page, and whether it was answered. */
export const getSurvey = async (token: string, now = new Date()): Promise<SurveyView> => {
  const survey = await openSurvey(token, now);
  const ticket = await getRecord(ticketModel, survey.ticketId);
  if (!ticket) throw surveyNotFound();
  return {
    ticketSubject: ticket.subject,
    answered: survey.answeredAt !== undefined,
    expiresAt: survey.expiresAt,
  };
};

/**
 * `POST /csat/{token}`: records the rating once. In one transaction: the ticket gets
 * `satisfaction` (announced as `ticket.csat_received`), and the survey is marked answered on
 * condition that it still exists, was not answered, and has not expired. Two answers at once:
 * one wins, the other is a 409.
 */
export const answerSurvey = async (
  token: string,
  answer: AnswerSurvey,
  now = new Date(),
): Promise<TicketSatisfaction> => {
  const survey = await openSurvey(token, now);
  if (survey.answeredAt !== undefined) throw alreadyAnswered();
  const at = now.toISOString();
  const satisfaction: TicketSatisfaction = {
    surveyId: survey.surveyId,
    rating: answer.rating,
    ...(answer.comment === undefined ? {} : { comment: answer.comment }),
    receivedAt: at,
  };
  try {
    await mutateRecord(ticketModel, survey.ticketId, undefined, (before) => ({
      after: withSatisfaction(before, satisfaction, now),
      extra: [
        {
          label: "survey",
          item: {
            Update: {
              TableName: tableName(),
              Key: surveyKey(survey.surveyId),
              UpdateExpression: "SET answeredAt = :at, rating = :rating",
              ConditionExpression:
                "attribute_exists(pk) AND attribute_not_exists(answeredAt) AND expiresAt > :at",
              ExpressionAttributeValues: { ":at": at, ":rating": answer.rating },
            },
          },
        },
      ],
      changeVerb: CSAT_RECEIVED,
    }));
  } catch (error) {
    if (error instanceof DomainError && error.code === "ticket.not_found") throw surveyNotFound();
    if (error instanceof WriteConflict && error.targets.some((t) => t.kind === "extra")) {
      const current = await readSurvey(survey.surveyId);
      if (current?.answeredAt !== undefined) throw alreadyAnswered();
      throw surveyNotFound();
    }
    throw error;
  }
  return satisfaction;
};
