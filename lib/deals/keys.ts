import type { Facet, IndexKeys, ItemKey, RecordModel } from "#lib/db/record-store";
import type { Deal } from "#lib/deals/schema";

/**
 * Every key format of deals, in one place. See docs/data-model.md for the access patterns.
 *
 * | item           | pk            | sk              | gsi1                                          | gsi2                                | gsi3                                |
 * |----------------|---------------|-----------------|-----------------------------------------------|-------------------------------------|-------------------------------------|
 * | deal           | deal#<id>     | deal            | deal#stage#<pipelineId>#<stageId> / <close>   | deal#owner#<ownerId> / <close>      | deal / <pipelineId>#<close>         |
 * | contact facet  | deal#<id>     | contact#<conId> | contact#<conId>#deals / <close>               |                                     |                                     |
 * | company facet  | deal#<id>     | company#<coId>  | company#<coId>#deals / <close>                |                                     |                                     |
 *
 * `<close>` is `<expectedCloseDate>#<id>`: every list comes back soonest close date first, and
 * a date range of one pipeline is a key condition on gsi3 (what a forecast by period needs).
 * The board is gsi1: one partition per stage column. The stage counters that guard pipeline
 * changes live with the pipeline (`lib/pipelines/keys.ts`); the deal's engagement is a companion
 * item in its partition (`deal#<id>` / `engagement`, `lib/engagement/keys.ts`).
 */
export const dealKey = (id: string): ItemKey => ({ pk: `deal#${id}`, sk: "deal" });

export const byStagePartition = (pipelineId: string, stageId: string) =>
  `deal#stage#${pipelineId}#${stageId}`;
export const byOwnerPartition = (ownerId: string) => `deal#owner#${ownerId}`;
export const byContactPartition = (contactId: string) => `contact#${contactId}#deals`;
export const byCompanyPartition = (companyId: string) => `company#${companyId}#deals`;
export const allDealsPartition = "deal";
/** The gsi3 sort key prefix of one pipeline's deals (and, with a date, of a close date range). */
export const pipelineSortPrefix = (pipelineId: string) => `${pipelineId}#`;

const closeSortKey = (d: Deal) => `${d.expectedCloseDate}#${d.id}`;

export const dealModel: RecordModel<Deal> = {
  type: "deal",
  key: dealKey,
  index: (d): IndexKeys => ({
    gsi1pk: byStagePartition(d.pipelineId, d.stageId),
    gsi1sk: closeSortKey(d),
    gsi2pk: byOwnerPartition(d.ownerId),
    gsi2sk: closeSortKey(d),
    gsi3pk: allDealsPartition,
    gsi3sk: `${pipelineSortPrefix(d.pipelineId)}${closeSortKey(d)}`,
  }),
  // A facet is a full copy of the deal, so the associations lists return whole deals in one
  // Query; a deal has at most one of each, so a write moves at most three items plus counters.
  facets: (d): Facet[] => [
    ...(d.contactId
      ? [
          {
            name: "contact",
            key: { pk: `deal#${d.id}`, sk: `contact#${d.contactId}` },
            index: { gsi1pk: byContactPartition(d.contactId), gsi1sk: closeSortKey(d) },
          },
        ]
      : []),
    ...(d.companyId
      ? [
          {
            name: "company",
            key: { pk: `deal#${d.id}`, sk: `company#${d.companyId}` },
            index: { gsi1pk: byCompanyPartition(d.companyId), gsi1sk: closeSortKey(d) },
          },
        ]
      : []),
  ],
};
