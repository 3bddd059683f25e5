import { ACTIVITY_TYPES, type ActivityType } from "#lib/activities/schema";
import { countAttribute } from "#lib/engagement/keys";
import type { Engagement } from "#lib/engagement/schema";

/** A record's engagement as stored: counts may dip below zero (see `engagementOf`). */
export interface EngagementState {
  readonly lastActivityAt: string | null;
  readonly activityCounts: Readonly<Record<ActivityType, number>>;
}

const countsOf = (count: (type: ActivityType) => number) =>
  Object.fromEntries(ACTIVITY_TYPES.map((type) => [type, count(type)])) as Record<
    ActivityType,
    number
  >;

export const NO_ENGAGEMENT: EngagementState = {
  lastActivityAt: null,
  activityCounts: countsOf(() => 0),
};

/** The engagement a stored engagement item holds; none when the item is absent. */
export const engagementStateOf = (item: Record<string, unknown> | undefined): EngagementState => {
  if (!item) return NO_ENGAGEMENT;
  return {
    lastActivityAt: typeof item.lastActivityAt === "string" ? item.lastActivityAt : null,
    activityCounts: countsOf((type) => {
      const value = item[countAttribute(type)];
      return typeof value === "number" ? value : 0;
    }),
  };
};

/**
 * The engagement a record shows, from its stored engagement item. A count below zero can only be
 * an event applied before an earlier one (delivery is not ordered), and shows as zero until the
 * earlier one arrives.
 */
export const engagementOf = (item: Record<string, unknown> | undefined): Engagement => {
  const state = engagementStateOf(item);
  const counts = countsOf((type) => Math.max(0, state.activityCounts[type]));
  return { lastActivityAt: state.lastActivityAt, activityCounts: counts };
};
