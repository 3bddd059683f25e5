import { eventFeedRoutes } from "#lib/event-feed/routes";
import { readFeed } from "#lib/event-feed/service";
import { httpFunction } from "#lib/http/http-function";
import { page } from "#lib/http/response";

export const handler = httpFunction(eventFeedRoutes, {
  listEvents: async ({ query }) => page(await readFeed(query)),
});
