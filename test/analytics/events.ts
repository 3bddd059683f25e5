import { randomUUID } from "node:crypto";
import type { BusEvent } from "#events/envelope";
import type { Granularity } from "#lib/analytics/buckets";
import { counterKey, gaugeKey, measuresOf } from "#lib/analytics/keys";
import type { Dimension, Measures, MetricId } from "#lib/analytics/metrics";
import { getItem } from "#lib/analytics/store";

/**
 * Domain events as the analytics recorder receives them, built from the few fields it reads, and
 * reads of the counters it writes. The envelope is the real one (events/envelope.ts).
 */
export const domainEvent = (
  detailType: string,
  record: { readonly id: string; readonly version?: number; readonly data: unknown },
  options: {
    readonly eventId?: string;
    readonly occurredAt?: string;
    readonly actor?: string;
  } = {},
): BusEvent => {
  const occurredAt = options.occurredAt ?? "2026-03-02T12:00:00.000Z";
  return {
    id: randomUUID(),
    source: "crm",
    "detail-type": detailType,
    time: occurredAt,
    detail: {
      schemaVersion: 1,
      eventId: options.eventId ?? randomUUID(),
      occurredAt,
      entity: detailType.slice(0, detailType.indexOf(".")),
      id: record.id,
      version: record.version ?? 1,
      actor: options.actor ?? "tester",
      data: record.data,
      changes: {},
    },
  };
};

export interface DealData {
  readonly amount: number;
  readonly currency: string;
  readonly pipelineId: string;
  readonly stageId: string;
  readonly status: "open" | "won" | "lost";
  readonly ownerId: string;
  readonly createdAt: string;
  readonly stageEnteredAt: string;
  readonly closedAt?: string;
}

export const openDeal = (overrides: Partial<DealData> = {}): DealData => ({
  amount: 100_000,
  currency: "EUR",
  pipelineId: "pip_sales",
  stageId: "stg_qualify",
  status: "open",
  ownerId: "ana",
  createdAt: "2026-03-02T09:00:00.000Z",
  stageEnteredAt: "2026-03-02T09:00:00.000Z",
  ...overrides,
});

export const closedDeal = (deal: DealData, status: "won" | "lost", closedAt: string): DealData => ({
  ...deal,
  status,
  stageId: status === "won" ? "stg_won" : "stg_lost",
  stageEnteredAt: closedAt,
  closedAt,
});

/** A counter item's measures (empty when it does not exist). */
export const counter = async (
  metric: MetricId,
  bucket: string,
  options: {
    readonly dimension?: Dimension;
    readonly value?: string;
    readonly granularity?: Granularity;
  } = {},
): Promise<Measures> => {
  const item = await getItem(
    counterKey(
      metric,
      options.dimension ?? "all",
      options.granularity ?? "day",
      bucket,
      options.value ?? "all",
    ),
  );
  return item ? measuresOf(item) : {};
};

export const gauge = async (pipelineId: string, stageId: string): Promise<Measures> => {
  const item = await getItem(gaugeKey("pipeline.open", [pipelineId, stageId]));
  return item ? measuresOf(item) : {};
};
