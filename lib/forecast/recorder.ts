import type { BusEvent } from "#events/envelope";
import { isDetailType } from "#lib/events/bus-event";
import { DealEvents } from "#lib/events/detail-types";
import { forecastMonthOf } from "#lib/forecast/period";
import { forecastDealSlice } from "#lib/forecast/schema";
import {
  type Contribution,
  type Placement,
  readContribution,
  writeContribution,
} from "#lib/forecast/store";

/**
 * Keeps the forecast's buckets from the deal events (`deal.created`, `.updated`,
 * `.stage_changed`, `.won`, `.lost`, `.deleted`). Every event but a deletion carries the whole
 * deal, so the recorder does not add deltas: it places the deal as the event says, and takes it
 * out of wherever its stored contribution had it (keys.ts). That makes it exact for every kind of
 * change (stage moves, amount or currency edits, close dates moving across periods, new owners,
 * pipeline moves, reopening, deletion) and indifferent to the order of delivery:
 *
 * - an event of a version older than the stored contribution is stale and changes nothing, so a
 *   late or redelivered event can neither count twice nor undo a newer one;
 * - a deletion carries the version the deal was deleted at, the same as its last change, and
 *   wins over that change whichever arrives first;
 * - two deliveries racing on the same deal meet on the contribution's condition; the loser reads
 *   again and finds itself stale or applies on top.
 */

const ATTEMPTS = 8;
const pause = (attempt: number) =>
  new Promise((resolve) => setTimeout(resolve, Math.random() * 20 * attempt));

const DEAL_EVENT_TYPES = Object.values(DealEvents);

/**
 * `applied`: the buckets now reflect the event; `stale`: a newer (or the same) state of the deal
 * was applied already; `ignored`: not a deal event.
 */
export type RecordOutcome = "applied" | "stale" | "ignored";

/** Where a deal, as an event's `data` describes it, counts. */
const placementOfDeal = (data: unknown): Placement => {
  const deal = forecastDealSlice.parse(data);
  return {
    pipelineId: deal.pipelineId,
    month: forecastMonthOf(deal),
    ownerId: deal.ownerId,
    stageId: deal.stageId,
    currency: deal.currency,
    status: deal.status,
    amount: deal.amount,
  };
};

/** Whether `incoming` describes a later state of the deal than `stored`. */
const supersedes = (incoming: Contribution, stored: Contribution): boolean =>
  incoming.version > stored.version ||
  (incoming.version === stored.version && incoming.deleted && !stored.deleted);

export const recordDealEvent = async (event: BusEvent): Promise<RecordOutcome> => {
  if (!isDetailType(event, ...DEAL_EVENT_TYPES)) return "ignored";
  const { id: dealId, version } = event.detail;
  const deleted = event["detail-type"] === DealEvents.Deleted;
  const next: Contribution = deleted
    ? { version, deleted: true }
    : { version, deleted: false, placement: placementOfDeal(event.detail.data) };
  for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
    const current = await readContribution(dealId);
    if (current && !supersedes(next, current)) return "stale";
    if ((await writeContribution(dealId, current, next)) === "applied") return "applied";
    await pause(attempt);
  }
  throw new Error(`The forecast contribution of ${dealId} kept changing; the event is retried`);
};
