import { ACTIVITY_TYPES, type ActivityType } from "#lib/activities/types";
import { countAttribute } from "#lib/engagement/keys";
import type { Engagement } from "#lib/engagement/schema";

/**
 * The engagement a record shows, from its stored engagement item (none when the item is absent).
 * A count below zero can only be an event applied before an earlier one (delivery is not
 * ordered), and shows as zero until the earlier one arrives.
 */
export const engagementOf = (item: Record<string, unknown> | undefined): Engagement => ({
  lastActivityAt: typeof item?.lastActivityAt === "string" ? item.lastActivityAt : null,
  activityCounts: Object.fromEntries(
    ACTIVITY_TYPES.map((type) => {
      const value = item?.[countAttribute(type)];
      return [type, typeof value === "number" ? Math.max(0, value) : 0];
    }),
  ) as Record<ActivityType, number>,
});
