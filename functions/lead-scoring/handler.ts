import { httpFunction } from "#lib/http/http-function";
import { ok } from "#lib/http/response";
import { leadScoringRoutes } from "#lib/lead-scoring/routes";
import * as scoring from "#lib/lead-scoring/service";

export const handler = httpFunction(leadScoringRoutes, {
  getLeadScoringModel: async () => ok(await scoring.getScoringModel()),
  putLeadScoringModel: async ({ body, expectedVersion, principal }) =>
    ok(await scoring.putScoringModel(body, expectedVersion, principal.userId)),
  getLeadScore: async ({ params }) => ok(await scoring.explainLeadScore(params.leadId)),
});
