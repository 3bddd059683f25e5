import { READERS } from "#lib/auth/roles";
import { forecastQuery, forecastSchema } from "#lib/forecast/schema";
import { route } from "#lib/http/route";

export const forecastRoutes = [
  route({
    operationId: "getForecast",
    method: "GET",
    path: "/forecast",
    function: "forecast",
    summary:
      "A pipeline's forecast for a quarter or a month: closed won, commit, best case, pipeline and weighted pipeline, by owner and by stage, in the base currency",
    roles: READERS,
    request: { query: forecastQuery },
    response: {
      status: 200,
      body: forecastSchema,
      description: "The forecast, with the conversion rates it applied",
    },
    errors: [404],
  }),
] as const;
