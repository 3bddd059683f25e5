import type { ItemKey } from "#lib/db/record-store";

/**
 * Every key format of the event feed, in one place. See docs/data-model.md.
 *
 * | item       | pk                     | sk                    | gsi1 (pk / sk)                       |
 * |------------|------------------------|-----------------------|--------------------------------------|
 * | feed entry | feed                   | <position>            | feed#type#<detail-type> / <position> |
 * | feed guard | feed#event#<eventId>   | feed#event            |                                      |
 *
 * `<position>` is `<receivedAt>#<eventId>`: the ISO time the recorder stamped the entry, so the
 * feed is ordered by when events reached it (see `position.ts`). The guard makes recording
 * idempotent per event id: the entry's key changes with every delivery, the guard's does not.
 */
export const FEED_ENTRY_TYPE = "feed-event";
export const FEED_GUARD_TYPE = "feed-guard";

export const FEED_PARTITION = "feed";
export const feedEntryKey = (position: string): ItemKey => ({ pk: FEED_PARTITION, sk: position });
export const feedGuardKey = (eventId: string): ItemKey => ({
  pk: `feed#event#${eventId}`,
  sk: "feed#event",
});
export const byTypePartition = (detailType: string) => `feed#type#${detailType}`;
