import { comparePositions, laterOf } from "#lib/event-feed/position";

/** A feed entry as the reader needs it, whichever query found it. */
export interface FeedEntry {
  readonly position: string;
  readonly eventId: string;
  readonly type: string;
  readonly occurredAt: string;
  /** The envelope as the bus carried it, serialized. */
  readonly detail: string;
  /** Epoch seconds after which the entry is gone, whether or not DynamoDB removed it yet. */
  readonly ttl: number;
}

/** What one Query returned: its entries in position order, and whether it stopped early. */
export interface QueryResult {
  readonly entries: readonly FeedEntry[];
  /** DynamoDB returned a LastEvaluatedKey: there may be more entries past the last one. */
  readonly truncated: boolean;
}

export interface PageInput {
  /** Every Query of the page: one for the whole feed, or one per requested type. */
  readonly results: readonly QueryResult[];
  /** The client's position: only entries after it are new. */
  readonly after: string;
  /** The settle bound the queries read up to: everything before it has landed. */
  readonly bound: string;
  readonly limit: number;
  readonly nowSeconds: number;
}

export interface FeedPage {
  readonly entries: readonly FeedEntry[];
  /** Where the next page starts; never behind `after`. */
  readonly next: string;
}

/**
 * Merges the queries of one page and says where the next page starts.
 *
 * Every entry up to the *horizon* has been seen: the settle bound, or, when a query stopped
 * early, the last entry it returned (past that, it may have more). The page is the first
 * `limit` entries up to the horizon. If more remain, the next page starts after the last one
 * served; otherwise it starts at the horizon, so a client that is up to date skips everything
 * already settled instead of reading it again.
 *
 * Expired entries (DynamoDB deletes them late, DynamoDB Local never) are not served, but the
 * position moves past them like past any other entry.
 */
export const assemblePage = (input: PageInput): FeedPage => {
  let horizon = input.bound;
  for (const result of input.results) {
    const last = result.entries.at(-1);
    if (result.truncated && last && comparePositions(last.position, horizon) < 0) {
      horizon = last.position;
    }
  }
  const eligible = input.results
    .flatMap((result) => result.entries)
    .filter(
      (entry) =>
        comparePositions(entry.position, input.after) > 0 &&
        comparePositions(entry.position, horizon) <= 0,
    )
    .sort((a, b) => comparePositions(a.position, b.position));
  const served = eligible.slice(0, input.limit);
  const lastServed = served.at(-1);
  const next = eligible.length > input.limit && lastServed ? lastServed.position : horizon;
  return {
    entries: served.filter((entry) => entry.ttl > input.nowSeconds),
    // Clocks of two reader instances may differ a little: a later call must never hand out a
    // position behind the one the client already holds.
    next: laterOf(next, input.after),
  };
};
