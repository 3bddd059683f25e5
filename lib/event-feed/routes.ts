import type { Role } from "#lib/auth/roles";
import { feedPage, feedQuery } from "#lib/event-feed/schema";
import { route } from "#lib/http/route";

/**
 * The feed carries every change to every record, so it is for integrations and admins: an
 * integration reads it with a token holding the `read-only` role (it needs no write access), an
 * admin to inspect or replay. Sales, support and marketing users read records, not the feed.
 */
export const FEED_READERS: readonly Role[] = ["admin", "read-only"];

export const eventFeedRoutes = [
  route({
    operationId: "listEvents",
    method: "GET",
    path: "/events",
    function: "eventFeed",
    summary:
      "The domain events in the order they reached the feed, from a cursor: a replayable feed to catch up from",
    roles: FEED_READERS,
    request: { query: feedQuery },
    response: {
      status: 200,
      body: feedPage,
      description: "A page of events, and the cursor to resume from (always set)",
    },
  }),
] as const;
