import type { Envelope } from "#events/envelope";
import { retentionDays, retentionMilliseconds, SETTLE_MILLISECONDS } from "#lib/event-feed/config";
import { assemblePage, type QueryResult } from "#lib/event-feed/page";
import {
  comparePositions,
  decodeFeedCursor,
  encodeFeedCursor,
  laterOf,
  timePosition,
} from "#lib/event-feed/position";
import { queryFeed } from "#lib/event-feed/reader";
import type { FeedQuery } from "#lib/event-feed/schema";
import { DEFAULT_PAGE_SIZE } from "#lib/records/common-schema";

export interface FeedEvent {
  readonly eventId: string;
  readonly type: string;
  readonly occurredAt: string;
  readonly detail: Envelope;
}

export interface FeedEventsPage {
  readonly data: readonly FeedEvent[];
  /** Always set: where to resume, even when this page was short or empty. */
  readonly nextCursor: string;
}

/**
 * A page of the feed in the order events reached it, starting after the client's cursor (or at
 * the oldest retained event), and serving only events older than the settle window, so that no
 * event can later appear behind the returned cursor.
 *
 * Cost: one Query, or one per requested type (at most MAX_TYPES), each reading at most one page.
 */
export const readFeed = async (query: FeedQuery, now = Date.now()): Promise<FeedEventsPage> => {
  const limit = query.limit ?? DEFAULT_PAGE_SIZE;
  const after = query.after === undefined ? "" : decodeFeedCursor(query.after);
  // Whatever is older than the retention is gone: start there rather than page through
  // expired entries DynamoDB has not removed yet.
  const oldest = timePosition(now - retentionMilliseconds(retentionDays()));
  const from = laterOf(after, oldest);
  const bound = timePosition(now - SETTLE_MILLISECONDS);
  let results: QueryResult[] = [];
  if (comparePositions(from, bound) < 0) {
    const types = query.types ?? [undefined];
    results = await Promise.all(
      types.map((type) =>
        queryFeed({ ...(type === undefined ? {} : { type }), after: from, bound, limit }),
      ),
    );
  }
  const page = assemblePage({
    results,
    after: from,
    bound: laterOf(from, bound),
    limit,
    nowSeconds: Math.floor(now / 1000),
  });
  return {
    data: page.entries.map((entry) => ({
      eventId: entry.eventId,
      type: entry.type,
      occurredAt: entry.occurredAt,
      detail: JSON.parse(entry.detail) as Envelope,
    })),
    nextCursor: encodeFeedCursor(laterOf(page.next, after)),
  };
};
