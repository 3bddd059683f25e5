import type { Principal } from "#lib/auth/principal";
import {
  type DefinitionSet,
  revisionCondition,
  withDefinitions,
} from "#lib/custom-fields/definitions";
import { validateCustomFieldValues } from "#lib/custom-fields/validate-values";
import { retryOnContention } from "#lib/db/contention";
import { createRecord, creationItems, type ExtraItem, getRecordWith } from "#lib/db/record-store";
import { allowedCurrencies, currencySettings, isAllowedCurrency } from "#lib/deals/currencies";
import {
  allDealsPartition,
  byCompanyPartition,
  byContactPartition,
  byOwnerPartition,
  byStagePartition,
  dealKey,
  dealModel,
  pipelineSortPrefix,
} from "#lib/deals/keys";
import { idlenessOf } from "#lib/deals/rotting";
import {
  type CreateDeal,
  type Deal,
  type DealDetail,
  type DealView,
  type ListDealsQuery,
  lineItemsTotal,
  type MoveDeal,
  type UpdateDeal,
} from "#lib/deals/schema";
import {
  firstPosition,
  movedPosition,
  stageChangeVerb,
  withPosition,
} from "#lib/deals/stage-history";
import { engagementKey, removeEngagement } from "#lib/engagement/keys";
import { engagementOf } from "#lib/engagement/state";
import { DomainError, notFound } from "#lib/errors/domain-error";
import type { Page } from "#lib/http/response";
import { explainMissingLinks, linkedRecordExists } from "#lib/linked-records/registry";
import { loadPipeline, pipelineWithStages } from "#lib/pipelines/cache";
import { enterStage, leaveStage, refusedStages, STAGE_ENTRY } from "#lib/pipelines/keys";
import { isLostStage, type Pipeline, type Stage } from "#lib/pipelines/schema";
import { firstOpenStage, stageOf } from "#lib/pipelines/stages";
import { newId } from "#lib/records/ids";
import { listByOneFilter } from "#lib/records/list-by-filter";
import { applyPatch, mutateRecord, removeRecord, stamp } from "#lib/records/mutate";

const isStageEntryRefused = (error: unknown): boolean =>
  refusedStages(error, STAGE_ENTRY).length > 0;

/** Turns a refused deal write into the error the client should see. */
const explainConflict = (error: unknown): never => {
  if (isStageEntryRefused(error)) {
    // Refused twice, the second time against a pipeline read just before: the stage is being
    // changed right now.
    throw new DomainError(
      "conflict",
      "deal.stage_changed_concurrently",
      "The stage was changed or deleted while the deal was written. Retry.",
    );
  }
  return explainMissingLinks("deal.linked_record_not_found")(error);
};

/**
 * Runs a deal write against the cached pipeline, and once more against a fresh read when the
 * transaction's stage condition refused it (the cached pipeline was stale).
 */
const withStageRetry = async <T>(write: (fresh: boolean) => Promise<T>): Promise<T> => {
  try {
    return await write(false);
  } catch (error) {
    if (!isStageEntryRefused(error)) throw error;
    return write(true);
  }
};

interface Placement {
  readonly pipeline: Pipeline;
  readonly stage: Stage;
}

/**
 * The pipeline and stage a deal goes to. A stage the cached pipeline lacks is looked up in a
 * fresh read before it is refused (it may be new); `fresh` reads the pipeline in any case.
 */
const placementOf = async (
  pipelineId: string,
  stageId: string | undefined,
  fresh: boolean,
): Promise<Placement> => {
  const pipeline = fresh
    ? await loadPipeline(pipelineId)
    : await pipelineWithStages(pipelineId, stageId === undefined ? [] : [stageId]);
  if (!pipeline) {
    throw new DomainError(
      "unprocessable",
      "deal.pipeline_not_found",
      `No pipeline with id ${pipelineId}.`,
      { pipelineId },
    );
  }
  // Without a stage id the first open one: every pipeline has one (its schema requires it).
  const stage = stageId === undefined ? firstOpenStage(pipeline) : stageOf(pipeline, stageId);
  if (stage) return { pipeline, stage };
  throw new DomainError(
    "unprocessable",
    "deal.stage_not_in_pipeline",
    `The pipeline ${pipelineId} has no stage ${stageId}.`,
    { pipelineId, stageId },
  );
};

const checkCurrency = (currency: string) => {
  const settings = currencySettings();
  if (!isAllowedCurrency(currency, settings)) {
    const allowed = allowedCurrencies(settings);
    throw new DomainError(
      "unprocessable",
      "deal.currency_not_allowed",
      `Deals are in ${allowed.join(", ")}; ${currency} is not configured.`,
      { currency, allowed },
    );
  }
};

/** A lost deal says why; a reason for an open stage would say nothing about an outcome. */
const checkCloseReason = (stage: Stage, reason: string | undefined) => {
  if (isLostStage(stage) && reason === undefined) {
    throw new DomainError(
      "unprocessable",
      "deal.close_reason_required",
      `"${stage.name}" is a closed-lost stage: say why the deal was lost.`,
      { stageId: stage.id },
    );
  }
};

const linkChecks = (
  links: { contactId?: string | undefined; companyId?: string | undefined },
  before?: Deal,
): ExtraItem[] => [
  ...(links.contactId && links.contactId !== before?.contactId
    ? [linkedRecordExists({ entity: "contact", id: links.contactId })]
    : []),
  ...(links.companyId && links.companyId !== before?.companyId
    ? [linkedRecordExists({ entity: "company", id: links.companyId })]
    : []),
];

const viewOf = (deal: Deal, pipeline: Pipeline | undefined, now = new Date()): DealView => ({
  ...deal,
  ...idlenessOf(deal, pipeline && stageOf(pipeline, deal.stageId), now),
});

/**
 * Views of deals of any pipelines, each pipeline looked up once (read again when the cached one
 * lacks a stage of its deals).
 */
const viewsOf = async (deals: readonly Deal[]): Promise<DealView[]> => {
  const ids = [...new Set(deals.map((d) => d.pipelineId))];
  const pipelines = new Map(
    await Promise.all(
      ids.map(async (id) => {
        const stageIds = deals.flatMap((d) => (d.pipelineId === id ? [d.stageId] : []));
        return [id, await pipelineWithStages(id, stageIds)] as const;
      }),
    ),
  );
  const now = new Date();
  return deals.map((deal) => viewOf(deal, pipelines.get(deal.pipelineId), now));
};

/** The deal a create writes, placed and checked against the pipeline, with the stage it enters. */
const newDeal = async (
  input: CreateDeal,
  actor: Principal,
  definitions: DefinitionSet,
  fresh: boolean,
  id: string,
) => {
  const { pipeline, stage } = await placementOf(input.pipelineId, input.stageId, fresh);
  const currency = input.currency ?? currencySettings().base;
  checkCurrency(currency);
  checkCloseReason(stage, input.closeReason);
  if (!stage.closed && input.closeReason !== undefined) {
    throw new DomainError(
      "unprocessable",
      "deal.close_reason_not_applicable",
      `"${stage.name}" is an open stage: a close reason goes with a won or lost deal.`,
      { stageId: stage.id },
    );
  }
  const now = new Date();
  const deal: Deal = {
    id,
    name: input.name,
    amount: input.lineItems.length > 0 ? lineItemsTotal(input.lineItems) : (input.amount ?? 0),
    currency,
    lineItems: input.lineItems,
    expectedCloseDate: input.expectedCloseDate,
    ...firstPosition({
      pipelineId: pipeline.id,
      stage,
      at: now,
      actor: actor.userId,
      reason: input.closeReason,
    }),
    ownerId: input.ownerId ?? actor.userId,
    ...(input.contactId ? { contactId: input.contactId } : {}),
    ...(input.companyId ? { companyId: input.companyId } : {}),
    customFields: validateCustomFieldValues(definitions, input.customFields),
    version: 1,
    createdAt: now.toISOString(),
    updatedAt: now.toISOString(),
    createdBy: actor.userId,
    updatedBy: actor.userId,
  };
  return { deal, pipeline, stage, now };
};

/**
 * Creates a deal in its pipeline's stage (the first open one when none is named), in one
 * transaction with: the stage counter (+1, conditioned on the stage and its flags), the custom
 * field revision, and the existence of the linked contact and company.
 */
export const createDeal = (input: CreateDeal, actor: Principal): Promise<DealView> =>
  withDefinitions("deal", (definitions) =>
    withStageRetry(async (fresh) => {
      const { deal, pipeline, stage, now } = await newDeal(
        input,
        actor,
        definitions,
        fresh,
        newId("deal"),
      );
      await retryOnContention(() =>
        createRecord(dealModel, deal, [
          revisionCondition(definitions),
          enterStage(pipeline.id, stage),
          ...linkChecks({ contactId: deal.contactId, companyId: deal.companyId }),
        ]),
      );
      return viewOf(deal, pipeline, now);
    }),
  ).catch(explainConflict);

/**
 * For lead conversion, which creates a deal in its own transaction (with the lead, the contact
 * and the company): the deal `createDeal` would write, with id `id`, and every item of its
 * creation (the deal and its facets, the stage counter, the custom field revision). The caller
 * creates or checks the linked contact and company itself. Nothing is written. A refused stage
 * entry means the cached pipeline was stale: call again with `fresh`. Throws the same
 * `DomainError`s as `createDeal` for a pipeline, stage or currency it cannot take.
 */
export const dealCreation = async (
  input: CreateDeal,
  actor: Principal,
  definitions: DefinitionSet,
  options: { readonly id: string; readonly fresh: boolean },
): Promise<{ readonly deal: DealView; readonly extra: readonly ExtraItem[] }> => {
  const { deal, pipeline, stage, now } = await newDeal(
    input,
    actor,
    definitions,
    options.fresh,
    options.id,
  );
  return {
    deal: viewOf(deal, pipeline, now),
    extra: [
      ...creationItems(dealModel, deal, "deal"),
      revisionCondition(definitions),
      enterStage(pipeline.id, stage),
    ],
  };
};

/** The deal and its engagement (a companion item), in one BatchGetItem. */
export const getDeal = async (id: string): Promise<DealDetail> => {
  const { record, companions } = await getRecordWith(dealModel, id, [engagementKey(dealKey(id))]);
  if (!record) throw notFound("deal", id);
  const [view] = await viewsOf([record]);
  return { ...(view as DealView), engagement: engagementOf(companions[0]) };
};

/**
 * Changes a deal's fields other than its stage. With line items the amount is their sum: a new
 * amount alone is refused while the deal has line items that add up to another one.
 */
export const updateDeal = (
  id: string,
  patch: UpdateDeal,
  expectedVersion: number | undefined,
  actor: Principal,
): Promise<DealView> =>
  withDefinitions("deal", async (definitions) => {
    const updated = await mutateRecord(dealModel, id, expectedVersion, (before) => {
      // The stage fields are refused by the schema (they are always undefined here).
      const { customFields, lineItems, amount, ...fields } = patch;
      if (fields.currency !== undefined) checkCurrency(fields.currency);
      const items = lineItems ?? before.lineItems;
      let nextAmount = amount ?? before.amount;
      if (lineItems && lineItems.length > 0) nextAmount = lineItemsTotal(lineItems);
      else if (!lineItems && items.length > 0 && amount !== undefined) {
        const total = lineItemsTotal(items);
        if (amount !== total) {
          throw new DomainError(
            "unprocessable",
            "deal.amount_mismatch",
            `The deal's line items add up to ${total}: change them, or remove them with "lineItems": [] to set the amount alone.`,
            { lineItemsTotal: total },
          );
        }
      }
      return {
        after: stamp(
          {
            ...applyPatch(before, fields),
            lineItems: items,
            amount: nextAmount,
            customFields: customFields
              ? validateCustomFieldValues(definitions, customFields, before.customFields)
              : before.customFields,
          },
          actor.userId,
        ),
        extra: [
          revisionCondition(definitions),
          ...linkChecks(
            {
              contactId: fields.contactId ?? undefined,
              companyId: fields.companyId ?? undefined,
            },
            before,
          ),
        ],
      };
    });
    return (await viewsOf([updated]))[0] as DealView;
  }).catch(explainConflict);

/**
 * Moves a deal to another stage (of its pipeline, or of another one): closes the current stage
 * history entry with its duration, opens one for the new stage, moves the stage counters, and
 * announces `deal.won`, `deal.lost` or `deal.stage_changed`. Reopening a closed deal is a move
 * like any other.
 */
export const moveDeal = (
  id: string,
  move: MoveDeal,
  expectedVersion: number | undefined,
  actor: Principal,
): Promise<DealView> =>
  withStageRetry(async (fresh) => {
    let target: Pipeline | undefined;
    const now = new Date();
    const moved = await retryOnContention(() =>
      mutateRecord(dealModel, id, expectedVersion, async (before) => {
        const pipelineId = move.pipelineId ?? before.pipelineId;
        const { pipeline, stage } = await placementOf(pipelineId, move.stageId, fresh);
        target = pipeline;
        if (pipelineId === before.pipelineId && stage.id === before.stageId) {
          throw new DomainError(
            "conflict",
            "deal.already_in_stage",
            `The deal is already in "${stage.name}".`,
            { stageId: stage.id },
          );
        }
        checkCloseReason(stage, move.reason);
        const position = movedPosition(before, {
          pipelineId,
          stage,
          at: now,
          actor: actor.userId,
          reason: move.reason,
        });
        return {
          after: stamp(withPosition(before, position), actor.userId, now),
          extra: [leaveStage(before.pipelineId, before.stageId), enterStage(pipelineId, stage)],
          changeVerb: stageChangeVerb(stage),
        };
      }),
    );
    return viewOf(moved, target, now);
  }).catch(explainConflict);

export const deleteDeal = async (
  id: string,
  expectedVersion: number | undefined,
  actor: Principal,
): Promise<void> => {
  await retryOnContention(() =>
    removeRecord(dealModel, id, expectedVersion, actor.userId, (deal) => [
      leaveStage(deal.pipelineId, deal.stageId),
      removeEngagement(dealKey(id)),
    ]),
  );
};

/**
 * Lists deals by one filter, soonest expected close first: a pipeline (with `stageId`, one
 * column of its board), an owner, a contact or a company; all deals without one.
 */
export const listDeals = async (query: ListDealsQuery): Promise<Page<DealView>> => {
  const deals = await listByOneFilter<Deal, "pipelineId" | "ownerId" | "contactId" | "companyId">(
    "deal",
    query,
    {
      pipelineId: (pipelineId) =>
        query.stageId === undefined
          ? {
              index: "gsi3",
              partition: allDealsPartition,
              sortBeginsWith: pipelineSortPrefix(pipelineId),
            }
          : { index: "gsi1", partition: byStagePartition(pipelineId, query.stageId) },
      ownerId: (ownerId) => ({ index: "gsi2", partition: byOwnerPartition(ownerId) }),
      contactId: (contactId) => ({ index: "gsi1", partition: byContactPartition(contactId) }),
      companyId: (companyId) => ({ index: "gsi1", partition: byCompanyPartition(companyId) }),
    },
    { index: "gsi3", partition: allDealsPartition },
  );
  return { data: await viewsOf(deals.data), nextCursor: deals.nextCursor };
};
