import { ADMINS, READERS } from "#lib/auth/roles";
import { route } from "#lib/http/route";
import {
  scoreExplanationSchema,
  scoringModelBody,
  scoringModelSchema,
} from "#lib/lead-scoring/schema";
import { leadParams } from "#lib/leads/schema";

/** The scoring model (one versioned document) and a lead's score explained. */
export const leadScoringRoutes = [
  route({
    operationId: "getLeadScoringModel",
    method: "GET",
    path: "/lead-scoring/model",
    function: "leadScoring",
    summary: "Get the lead scoring model: fit and engagement rules",
    roles: READERS,
    request: {},
    response: {
      status: 200,
      body: scoringModelSchema,
      description: "The fit and engagement rules; the ETag is the version",
    },
  }),
  route({
    operationId: "putLeadScoringModel",
    method: "PUT",
    path: "/lead-scoring/model",
    function: "leadScoring",
    summary: "Replace the lead scoring model",
    roles: ADMINS,
    request: { body: scoringModelBody },
    response: {
      status: 200,
      body: scoringModelSchema,
      description:
        "The saved model with its new version; scores follow at each lead's next event and in the nightly review",
    },
    conditional: true,
  }),
  route({
    operationId: "getLeadScore",
    method: "GET",
    path: "/leads/{leadId}/score",
    function: "leadScoring",
    summary: "Explain a lead's score rule by rule",
    roles: READERS,
    request: { params: leadParams },
    response: {
      status: 200,
      body: scoreExplanationSchema,
      description:
        "Each fit rule with its points, each engagement rule with its signals (age, decay, current points) and cap, and the total beside the stored score",
    },
    errors: [404],
  }),
] as const;
