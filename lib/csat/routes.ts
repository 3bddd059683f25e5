import {
  answerSurveyBody,
  csatTokenParams,
  surveyViewSchema,
  ticketSatisfactionSchema,
} from "#lib/csat/schema";
import { route } from "#lib/http/route";

/**
 * The satisfaction survey's public routes: no token of the API, the survey's own token in the
 * path instead, and their own tight throttling (`csat` in the customer configuration). Served by
 * the `csat` function, which also issues the surveys (functions/csat/handler.ts).
 */
export const csatRoutes = [
  route({
    operationId: "getSurvey",
    method: "GET",
    path: "/csat/{token}",
    function: "csat",
    summary:
      "What a satisfaction survey page shows: the ticket's subject (survey token, no API token)",
    roles: [],
    auth: "none",
    request: { params: csatTokenParams },
    response: {
      status: 200,
      body: surveyViewSchema,
      description: "The survey's ticket subject, whether it was answered, and until when it can be",
    },
    errors: [404],
  }),
  route({
    operationId: "answerSurvey",
    method: "POST",
    path: "/csat/{token}",
    function: "csat",
    summary:
      "Answer a satisfaction survey once: a rating from 1 to 5 and a comment (survey token, no API token)",
    roles: [],
    auth: "none",
    request: { params: csatTokenParams, body: answerSurveyBody },
    response: {
      status: 200,
      body: ticketSatisfactionSchema,
      description: "The answer, as recorded on the ticket",
    },
    errors: [404, 409],
  }),
] as const;
