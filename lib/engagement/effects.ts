import * as z from "zod/mini";
import type { BusEvent } from "#events/envelope";
import { ACTIVITY_TYPES, type ActivityType } from "#lib/activities/types";
import { ActivityEvents } from "#lib/events/detail-types";
import { type LinkableEntityName, linkableEntities } from "#lib/linked-records/registry";

/**
 * What one activity event does to the engagement of each record it concerns, worked out from
 * the event alone (pure): the activity's state before and after the change, and the difference
 * per linked record.
 */
const linkList = z.array(z.object({ entity: z.string(), id: z.string() }));
const activityState = z.object({
  type: z.enum(ACTIVITY_TYPES),
  occurredAt: z.string(),
  links: linkList,
});

/** The part of an activity engagement depends on. */
export type ActivityState = z.infer<typeof activityState>;

export interface RecordRefLike {
  readonly entity: LinkableEntityName;
  readonly id: string;
}

export interface RecordEffect {
  readonly record: RecordRefLike;
  /** Added to the record's count of each type (+1 linked, −1 unlinked or deleted). */
  readonly countDeltas: Readonly<Partial<Record<ActivityType, number>>>;
  /** The time of an activity that is now on the record's timeline (linked, or moved there). */
  readonly added?: string;
  /** The time of an activity the record's timeline lost (unlinked, deleted, or moved away). */
  readonly removed?: string;
}

export class MalformedActivityEvent extends Error {
  constructor(detailType: string, issue: string) {
    super(`${detailType} does not describe an activity: ${issue}`);
    this.name = "MalformedActivityEvent";
  }
}

const parseState = (detailType: string, value: unknown): ActivityState => {
  const parsed = activityState.safeParse(value);
  if (!parsed.success) {
    throw new MalformedActivityEvent(
      detailType,
      parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; "),
    );
  }
  return parsed.data;
};

/** A field's value before the change: its `from` when it changed, else its value now. */
const before = (event: BusEvent, field: keyof ActivityState, now: unknown): unknown => {
  const change = event.detail.changes[field];
  return change ? change.from : now;
};

/** The activity before and after the change the event announces (null: it did not exist). */
export const statesOf = (
  event: BusEvent,
): { before: ActivityState | null; after: ActivityState | null } => {
  const detailType = event["detail-type"];
  switch (detailType) {
    case ActivityEvents.Created:
      return { before: null, after: parseState(detailType, event.detail.data) };
    case ActivityEvents.Updated: {
      const after = parseState(detailType, event.detail.data);
      const previous = parseState(detailType, {
        type: before(event, "type", after.type),
        occurredAt: before(event, "occurredAt", after.occurredAt),
        links: before(event, "links", after.links),
      });
      return { before: previous, after };
    }
    case ActivityEvents.Deleted: {
      const { changes } = event.detail;
      // The tombstone keeps these three; a deletion announced without them cannot be applied.
      return {
        before: parseState(detailType, {
          type: changes.type?.from,
          occurredAt: changes.occurredAt?.from,
          links: changes.links?.from,
        }),
        after: null,
      };
    }
    default:
      throw new MalformedActivityEvent(detailType, "not an activity event");
  }
};

const linkKey = (link: { entity: string; id: string }) => `${link.entity}\u0000${link.id}`;

const isLinkable = (entity: string): entity is LinkableEntityName =>
  Object.hasOwn(linkableEntities, entity);

/** Per linked record, what the change from `before` to `after` does to its engagement. */
export const effectsBetween = (
  before: ActivityState | null,
  after: ActivityState | null,
): RecordEffect[] => {
  const records = new Map<string, RecordRefLike>();
  for (const link of [...(before?.links ?? []), ...(after?.links ?? [])]) {
    if (isLinkable(link.entity)) records.set(linkKey(link), { entity: link.entity, id: link.id });
  }
  const wasOn = new Set(before?.links.map(linkKey));
  const isOn = new Set(after?.links.map(linkKey));
  return [...records.entries()].flatMap(([key, record]): RecordEffect[] => {
    const from = before && wasOn.has(key) ? before : null;
    const to = after && isOn.has(key) ? after : null;
    if (from && to && from.type === to.type && from.occurredAt === to.occurredAt) return [];
    const countDeltas: Partial<Record<ActivityType, number>> = {};
    if (from) countDeltas[from.type] = (countDeltas[from.type] ?? 0) - 1;
    if (to) countDeltas[to.type] = (countDeltas[to.type] ?? 0) + 1;
    // Still linked with the same type: its count does not move.
    if (from && to && from.type === to.type) delete countDeltas[to.type];
    return [
      {
        record,
        countDeltas,
        ...(to ? { added: to.occurredAt } : {}),
        ...(from ? { removed: from.occurredAt } : {}),
      },
    ];
  });
};

/** What an activity event does to the engagement of each record it concerns. */
export const effectsOf = (event: BusEvent): RecordEffect[] => {
  const { before, after } = statesOf(event);
  return effectsBetween(before, after);
};

/** The later of two times, either of which may be missing. */
export const latest = (a: string | null | undefined, b: string | null | undefined) =>
  (a ?? "") >= (b ?? "") ? (a ?? null) : (b ?? null);

/**
 * What an effect does to a record's `lastActivityAt`, given its current value:
 * - `keep`: nothing (the activity added is older than the latest, or none was added);
 * - `raise`: to the added activity's time, if that is later than the latest when written;
 * - `recompute`: the record may have lost its latest activity (the one removed is at least as
 *   recent as `from`): the latest must be read again from the timeline, and combined with `added`.
 *
 * `current` undefined means not read: enough for an effect that removes nothing, since a raise is
 * conditioned on being later. An effect that removes something needs the current value.
 */
export type LastActivityPlan =
  | { readonly kind: "keep" }
  | { readonly kind: "raise"; readonly to: string }
  | { readonly kind: "recompute"; readonly from: string; readonly added: string | null };

/** Whether planning this effect needs the record's current `lastActivityAt`. */
export const needsCurrent = (effect: RecordEffect): boolean => effect.removed !== undefined;

export const planLastActivity = (
  effect: RecordEffect,
  current: string | null | undefined,
): LastActivityPlan => {
  if (effect.removed !== undefined) {
    if (current === undefined) throw new Error("A removal is planned on the current value");
    if (current !== null && effect.removed >= current) {
      return { kind: "recompute", from: current, added: effect.added ?? null };
    }
  }
  if (effect.added !== undefined && (current == null || effect.added > current)) {
    return { kind: "raise", to: effect.added };
  }
  return { kind: "keep" };
};
