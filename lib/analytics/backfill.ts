import { ConditionalCheckFailedException } from "@aws-sdk/client-dynamodb";
import { PutCommand } from "@aws-sdk/lib-dynamodb";
import type { Envelope } from "#events/envelope";
import { addDays, daysBetween } from "#lib/analytics/buckets";
import {
  contactCreatedFacts,
  contactFacts,
  dealFacts,
  dealStateFacts,
  eventCounters,
  leadConvertedFacts,
  leadCreatedFacts,
  leadFacts,
  recordCounters,
} from "#lib/analytics/counters";
import { expand, type Fact, type Increment, sumMeasures } from "#lib/analytics/increments";
import {
  bucketRange,
  COUNTER_TYPE,
  counterKey,
  counterPartition,
  GAUGE_TYPE,
  gaugeKey,
  gaugePartition,
  measureAttributes,
  measuresOf,
  RECORD_STATE_TYPE,
  recordStateKey,
} from "#lib/analytics/keys";
import { METRIC_IDS, METRICS, type MetricId } from "#lib/analytics/metrics";
import { sequenceOf } from "#lib/analytics/recorder";
import { batchWrite, type Item, markTouched } from "#lib/analytics/store";
import { allContactsPartition } from "#lib/contacts/keys";
import { documentClient, tableName } from "#lib/db/client";
import { queryPartition } from "#lib/db/query-partition";
import type { ItemKey } from "#lib/db/record-store";
import { listRecords } from "#lib/db/record-store";
import { allDealsPartition } from "#lib/deals/keys";
import { queryFeed } from "#lib/event-feed/reader";
import { ActivityEvents, LeadEvents, TicketEvents } from "#lib/events/detail-types";
import { bySourcePartition } from "#lib/leads/keys";
import { LEAD_SOURCES } from "#lib/leads/schema";

/**
 * Recomputes the day counters of some metrics over a range of days, for a metric added after the
 * fact or counters that went wrong: an operator's tool (`npm run analytics:backfill`), never a
 * request path. See docs/analytics.md ("Backfill") for when to run it and what it costs.
 *
 * Each metric is rebuilt from the best record of its history:
 * - **records**, where the entity has an "all records" index partition: contacts (gsi3
 *   `contact`), leads (gsi3, one partition per source), deals (gsi3 `deal`). Every record of the
 *   entity is read, page by page;
 * - **the event feed** (`lib/event-feed`), where the records cannot say it (activities and tickets
 *   have no partition holding them all; a lead's qualification day is not kept once it moves on):
 *   the entity's events within the feed's retention are read by type, and each record's latest
 *   event stands for the record. History older than the retention cannot be rebuilt this way.
 *
 * The day counters of the range are replaced with Puts (and deleted where nothing is left), the
 * records' counting states are rewritten so that their next events move the counters from what
 * the backfill counted, the open-pipeline gauges are rebuilt whole when deals are read, and every
 * day of the range is marked touched, so the next rollup rebuilds its weeks, months and derived
 * figures (the command runs it at the end).
 */
export interface BackfillOptions {
  readonly from: string;
  readonly to: string;
  /** Default: every metric. */
  readonly metrics?: readonly MetricId[];
  /** Computes and reports, writes nothing. */
  readonly dryRun?: boolean;
}

interface Visit {
  readonly facts: readonly Fact[];
  /** For a record counter: the record, whose counting state is rewritten. */
  readonly state?: { readonly entity: string; readonly id: string; readonly seq: number };
}

interface Source {
  readonly name: string;
  readonly from: "records" | "event feed";
  readonly metrics: readonly MetricId[];
  /** Visits everything the source holds; returns how many records or events it read. */
  readonly read: (visit: (v: Visit) => void) => Promise<number>;
  /** Whether it holds every open deal, so that the gauges can be rebuilt whole. */
  readonly gauges?: boolean;
}

const PAGE = 1000;

/** Every record of one index partition, page by page. */
const eachRecord = async (partition: string, visit: (record: unknown) => void) => {
  let read = 0;
  let cursor: string | undefined;
  do {
    const page = await listRecords<unknown>({ index: "gsi3", partition, limit: PAGE, cursor });
    for (const record of page.data) visit(record);
    read += page.data.length;
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return read;
};

/** Every event of these types still in the feed, oldest first. */
const eachFeedEvent = async (
  types: readonly string[],
  visit: (envelope: Envelope, type: string) => void,
) => {
  let read = 0;
  for (const type of types) {
    // Positions are `<ISO time>#<eventId>`: every one sorts after "0".
    let after = "0";
    for (;;) {
      const { entries, truncated } = await queryFeed({ type, after, bound: "~", limit: PAGE });
      const fresh = entries.filter((e) => e.position !== after);
      for (const entry of fresh) visit(JSON.parse(entry.detail) as Envelope, type);
      read += fresh.length;
      const last = fresh.at(-1);
      if (!truncated || !last) break;
      after = last.position;
    }
  }
  return read;
};

/** A record counter replayed from the feed: each record's latest event is the record. */
const latestStates =
  (entity: string, types: readonly string[]): Source["read"] =>
  async (visit) => {
    const counter = recordCounters.find((c) => c.entity === entity);
    if (!counter) throw new Error(`No record counter for ${entity}`);
    const latest = new Map<string, Envelope>();
    const read = await eachFeedEvent(types, (envelope) => {
      const known = latest.get(envelope.id);
      if (!known || sequenceOf(envelope) > sequenceOf(known)) latest.set(envelope.id, envelope);
    });
    for (const envelope of latest.values()) {
      visit({
        facts: envelope.data === null ? [] : counter.factsOf(envelope.data),
        state: { entity, id: envelope.id, seq: sequenceOf(envelope) },
      });
    }
    return read;
  };

const SOURCES: readonly Source[] = [
  {
    name: "contacts",
    from: "records",
    metrics: ["contacts.created"],
    read: (visit) =>
      eachRecord(allContactsPartition, (r) =>
        visit({ facts: contactCreatedFacts(contactFacts.parse(r)) }),
      ),
  },
  {
    name: "leads",
    from: "records",
    metrics: ["leads.created", "leads.converted"],
    read: async (visit) => {
      let read = 0;
      for (const source of LEAD_SOURCES) {
        read += await eachRecord(bySourcePartition(source), (r) => {
          const lead = leadFacts.parse(r);
          visit({
            facts: [
              ...leadCreatedFacts(lead),
              ...(lead.conversion ? leadConvertedFacts(lead, lead.conversion.convertedAt) : []),
            ],
          });
        });
      }
      return read;
    },
  },
  {
    name: "deals",
    from: "records",
    metrics: ["deals.created", "deals.won", "deals.lost"],
    gauges: true,
    read: (visit) =>
      eachRecord(allDealsPartition, (r) => {
        const record = r as { id: string; version: number };
        visit({
          facts: dealStateFacts(dealFacts.parse(r)),
          state: { entity: "deal", id: record.id, seq: record.version * 2 },
        });
      }),
  },
  {
    name: "lead qualifications",
    from: "event feed",
    metrics: ["leads.qualified"],
    read: (visit) => {
      const counter = eventCounters.find((c) => c.detailType === LeadEvents.Qualified);
      return eachFeedEvent([LeadEvents.Qualified], (envelope) =>
        visit({ facts: counter?.factsOf(envelope) ?? [] }),
      );
    },
  },
  {
    name: "activities",
    from: "event feed",
    metrics: ["activities.logged"],
    read: latestStates("activity", Object.values(ActivityEvents)),
  },
  {
    name: "tickets",
    from: "event feed",
    metrics: [
      "tickets.opened",
      "tickets.solved",
      "tickets.first_response",
      "tickets.sla",
      "csat.received",
    ],
    read: latestStates("ticket", Object.values(TicketEvents)),
  },
];

export interface BackfillSummary {
  readonly from: string;
  readonly to: string;
  readonly sources: readonly {
    readonly name: string;
    readonly from: string;
    readonly read: number;
  }[];
  readonly metrics: readonly MetricId[];
  readonly countersWritten: number;
  readonly countersDeleted: number;
  readonly gaugesWritten: number;
  readonly statesWritten: number;
  readonly dryRun: boolean;
}

const counterItem = (increment: Increment & { kind: "counter" }): Item => ({
  ...counterKey(increment.metric, increment.dimension, "day", increment.day, increment.value),
  entityType: COUNTER_TYPE,
  metric: increment.metric,
  dimension: increment.dimension,
  granularity: "day",
  bucket: increment.day,
  value: increment.value,
  ...measureAttributes(increment.measures),
});

/** A state is rewritten unless a live event already counted a later version of the record. */
const putState = async (state: NonNullable<Visit["state"]>, increments: readonly Increment[]) => {
  try {
    await documentClient.send(
      new PutCommand({
        TableName: tableName(),
        Item: {
          ...recordStateKey(state.entity, state.id),
          entityType: RECORD_STATE_TYPE,
          entity: state.entity,
          id: state.id,
          seq: state.seq,
          increments,
          countedAt: new Date().toISOString(),
        },
        ConditionExpression: "attribute_not_exists(pk) OR seq <= :seq",
        ExpressionAttributeValues: { ":seq": state.seq },
      }),
    );
    return true;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return false;
    throw error;
  }
};

const keyOf = (item: Item): ItemKey => ({ pk: String(item.pk), sk: String(item.sk) });

export const backfill = async (options: BackfillOptions): Promise<BackfillSummary> => {
  const { from, to } = options;
  if (from > to) throw new Error("--from must not be after --to");
  const metrics = options.metrics ?? METRIC_IDS;
  const sources = SOURCES.filter((s) => s.metrics.some((m) => metrics.includes(m)));
  const counters = new Map<string, Increment & { kind: "counter" }>();
  const gauges = new Map<string, Increment & { kind: "gauge" }>();
  const states: { state: NonNullable<Visit["state"]>; increments: Increment[] }[] = [];
  const read: BackfillSummary["sources"][number][] = [];

  for (const source of sources) {
    const count = await source.read(({ facts, state }) => {
      const increments = facts.flatMap(expand);
      if (state) states.push({ state, increments });
      for (const increment of increments) {
        if (increment.kind === "gauge") {
          const key = gaugeKey(increment.gauge, increment.position).sk;
          const known = gauges.get(key);
          gauges.set(key, {
            ...increment,
            measures: sumMeasures([known?.measures ?? {}, increment.measures]),
          });
          continue;
        }
        if (!metrics.includes(increment.metric) || increment.day < from || increment.day > to) {
          continue;
        }
        const { pk, sk } = counterKey(
          increment.metric,
          increment.dimension,
          "day",
          increment.day,
          increment.value,
        );
        const known = counters.get(`${pk}|${sk}`);
        counters.set(`${pk}|${sk}`, {
          ...increment,
          measures: sumMeasures([known?.measures ?? {}, increment.measures]),
        });
      }
    });
    read.push({ name: source.name, from: source.from, read: count });
  }

  const covered = metrics.filter((m) => sources.some((s) => s.metrics.includes(m)));
  let countersWritten = 0;
  let countersDeleted = 0;
  for (const metric of covered) {
    for (const dimension of METRICS[metric].dimensions) {
      const pk = counterPartition(metric, dimension, "day");
      const existing = await queryPartition(pk, bucketRange(from, to));
      const wanted = [...counters.values()].filter(
        (c) => c.metric === metric && c.dimension === dimension,
      );
      const wantedKeys = new Set(wanted.map((c) => counterItem(c).sk));
      const existingBySk = new Map(existing.map((item) => [String(item.sk), measuresOf(item)]));
      const puts = wanted
        .map(counterItem)
        .filter(
          (item) =>
            JSON.stringify(measuresOf(item)) !== JSON.stringify(existingBySk.get(String(item.sk))),
        );
      const deletes = existing.filter((item) => !wantedKeys.has(String(item.sk))).map(keyOf);
      if (!options.dryRun) await batchWrite(puts, deletes);
      countersWritten += puts.length;
      countersDeleted += deletes.length;
    }
  }

  let gaugesWritten = 0;
  if (sources.some((s) => s.gauges)) {
    const existing = await queryPartition(gaugePartition("pipeline.open"));
    const puts = [...gauges.values()].map((g) => ({
      ...gaugeKey(g.gauge, g.position),
      entityType: GAUGE_TYPE,
      gauge: g.gauge,
      position: g.position,
      ...measureAttributes(g.measures),
    }));
    const keep = new Set(puts.map((p) => p.sk));
    const deletes = existing.filter((item) => !keep.has(String(item.sk))).map(keyOf);
    if (!options.dryRun) await batchWrite(puts, deletes);
    gaugesWritten = puts.length;
  }

  let statesWritten = 0;
  if (!options.dryRun) {
    for (const { state, increments } of states) {
      if (await putState(state, increments)) statesWritten++;
    }
    const days = Array.from({ length: daysBetween(from, to) }, (_, i) => addDays(from, i));
    await markTouched(days.flatMap((day) => covered.map((metric) => ({ day, metric }))));
  }

  return {
    from,
    to,
    sources: read,
    metrics: covered,
    countersWritten,
    countersDeleted,
    gaugesWritten,
    statesWritten: options.dryRun ? 0 : statesWritten,
    dryRun: options.dryRun ?? false,
  };
};
