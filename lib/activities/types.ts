/**
 * The kinds of activity, apart from the activities schema: the engagement recorder needs only
 * this list, and importing the schema would load the contacts schema and custom fields into its
 * cold start.
 */
export const ACTIVITY_TYPES = ["email", "call", "meeting", "note", "social"] as const;
export type ActivityType = (typeof ACTIVITY_TYPES)[number];
