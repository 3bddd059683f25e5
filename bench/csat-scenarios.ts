import { issueSurvey } from "#lib/csat/issue";
import type { CostScenario, Fixtures } from "./route-scenarios.ts";

/**
 * The satisfaction survey's public routes. A survey is issued from `ticket.solved` by the `csat`
 * function's event side; the bus does not run in process, so the setup solves a ticket through
 * the API and issues its survey here, as that consumer would.
 */
const surveyToken = async (f: Fixtures): Promise<string> => {
  const requesterId = (await f.contact()).id;
  const created = await f.call(
    {
      routeKey: "POST /tickets",
      body: { subject: "The export never finishes", requesterId, channel: "web" },
    },
    201,
  );
  const ticketId = String(created.json?.id);
  const solved = await f.call(
    {
      routeKey: "PATCH /tickets/{ticketId}",
      pathParameters: { ticketId },
      body: { status: "solved" },
    },
    200,
  );
  const outcome = await issueSurvey({ id: ticketId, requesterId }, Number(solved.json?.version), {
    expiryDays: 14,
  });
  if (outcome.outcome !== "issued") throw new Error("the survey was not issued");
  return outcome.token;
};

export const csatScenarios: readonly CostScenario[] = [
  {
    id: "getSurvey",
    operationId: "getSurvey",
    label: "GET /csat/{token} (public)",
    budget: "read",
    expectStatus: 200,
    prepare: async (f) => ({
      routeKey: "GET /csat/{token}",
      pathParameters: { token: await surveyToken(f) },
    }),
    note: "Two GetItems: the survey the token names (its hash checked), then its ticket's subject; the ticket's id is known only from the survey.",
  },
  {
    id: "answerSurvey",
    operationId: "answerSurvey",
    label: "POST /csat/{token} (public)",
    budget: "write",
    expectStatus: 200,
    prepare: async (f) => ({
      routeKey: "POST /csat/{token}",
      pathParameters: { token: await surveyToken(f) },
      body: { rating: 5, comment: "Fast and friendly" },
    }),
    note: "Reads the survey (the token's check) and the ticket (the version is the write's condition), then one transaction: the rating on the ticket, and the survey marked answered on condition it was not.",
  },
];
