import type { BusEvent } from "#events/envelope";
import {
  effectsOf,
  latest,
  needsCurrent,
  planLastActivity,
  type RecordEffect,
} from "#lib/engagement/effects";
import {
  type LastActivityChange,
  latestOnTimeline,
  readLastActivityAt,
  type WriteOutcome,
  writeEngagement,
} from "#lib/engagement/store";
import { linkableEntities } from "#lib/linked-records/registry";

/**
 * Lost races on `lastActivityAt` with other events on the same record, planned again here (after
 * a short random pause, so that a burst spreads out) before EventBridge retries the event.
 */
const ATTEMPTS = 8;
const pause = (attempt: number) =>
  new Promise((resolve) => setTimeout(resolve, Math.random() * 20 * attempt));

export type EngagementOutcome = Exclude<WriteOutcome, "raced">;

const applyEffect = async (eventId: string, effect: RecordEffect): Promise<EngagementOutcome> => {
  const { entity, id } = effect.record;
  const recordKey = linkableEntities[entity].key(id);
  for (let attempt = 1; ; attempt++) {
    // A first try that only adds needs no read: the raise is conditioned on being later.
    const current =
      attempt === 1 && !needsCurrent(effect) ? undefined : await readLastActivityAt(recordKey);
    const plan = planLastActivity(effect, current);
    let change: LastActivityChange | undefined;
    if (plan.kind === "raise") change = plan;
    if (plan.kind === "recompute") {
      const to = latest(await latestOnTimeline(entity, id), plan.added);
      if (to !== plan.from) change = { kind: "replace", from: plan.from, to };
    }
    const outcome = await writeEngagement(recordKey, eventId, effect.countDeltas, change);
    if (outcome !== "raced") return outcome;
    if (attempt >= ATTEMPTS) {
      throw new Error(`The engagement of ${entity} ${id} kept changing; the event is retried`);
    }
    await pause(attempt);
  }
};

/**
 * Applies one activity event (`activity.created`, `.updated`, `.deleted`) to the engagement of
 * every record it concerns: a record it was linked to or is linked to now. Each record is
 * updated on its own, once per event id; a failure throws after the others are done, so that a
 * retry of the event finishes the rest and skips what is done.
 */
export const recordEngagement = async (
  event: BusEvent,
): Promise<{ record: string; outcome: EngagementOutcome }[]> => {
  const effects = effectsOf(event);
  const settled = await Promise.allSettled(
    effects.map(async (effect) => ({
      record: `${effect.record.entity}:${effect.record.id}`,
      outcome: await applyEffect(event.detail.eventId, effect),
    })),
  );
  const failure = settled.find((s) => s.status === "rejected");
  if (failure) throw failure.reason;
  return settled.flatMap((s) => (s.status === "fulfilled" ? [s.value] : []));
};
