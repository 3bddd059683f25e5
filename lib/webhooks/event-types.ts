import { publishedDetailTypes } from "#lib/events/published-entities";

/**
 * The event types a subscription may name, and how its filters match a detail-type.
 *
 * A filter is an exact type (`contact.created`), every event of an entity (`company.*`), or
 * every event (`*`). Filters are checked against the published detail-types when a subscription
 * is written, so a typo fails at once instead of silently matching nothing.
 */
const FILTER_SHAPE = /^(?:\*|[a-z][a-z0-9_-]*\.(?:\*|[a-z][a-z0-9_]*))$/;

const entityOf = (type: string) => type.slice(0, type.indexOf("."));

/** Why a filter cannot be accepted, or undefined when it can. */
export const filterProblem = (
  filter: string,
  known: readonly string[] = publishedDetailTypes(),
): string | undefined => {
  if (!FILTER_SHAPE.test(filter)) {
    return `"${filter}" is not an event type, "<entity>.*" or "*"`;
  }
  if (filter === "*") return undefined;
  if (filter.endsWith(".*")) {
    const entity = entityOf(filter);
    return known.some((type) => entityOf(type) === entity)
      ? undefined
      : `No events exist for the entity "${entity}"`;
  }
  return known.includes(filter) ? undefined : `Unknown event type "${filter}"`;
};

export const matchesFilter = (filter: string, detailType: string): boolean =>
  filter === "*" ||
  filter === detailType ||
  (filter.endsWith(".*") && detailType.startsWith(filter.slice(0, -1)));

export const matchesAny = (filters: readonly string[], detailType: string): boolean =>
  filters.some((filter) => matchesFilter(filter, detailType));
