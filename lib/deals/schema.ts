import * as z from "zod/mini";
import { companyId, contactId } from "#lib/contacts/schema";
import { customFieldPatch, customFieldValues } from "#lib/custom-fields/values-schema";
import { engagementSchema } from "#lib/engagement/schema";
import { pipelineId, stageId } from "#lib/pipelines/schema";
import { idOf, isoDateTime, pageQuery, recordMeta, userId } from "#lib/records/common-schema";

/**
 * Deals: an opportunity worth an amount, moving through the stages of a pipeline. Money is an
 * integer in minor units (cents) with an ISO-4217 currency, never a float. A deal's stage only
 * changes through `POST /deals/{dealId}/stage`, which records the stage history, keeps the
 * per-stage counters and announces `deal.stage_changed`, `deal.won` or `deal.lost`.
 */
export const DEAL_STATUSES = ["open", "won", "lost"] as const;
export const MAX_LINE_ITEMS = 50;
/** Far below 2^53, so sums of amounts stay exact in JavaScript numbers. */
export const MAX_AMOUNT = 1_000_000_000_000_000;
export const MAX_QUANTITY = 1_000_000;
/** Entries a deal keeps; older ones are dropped (every move is in its events and the event feed). */
export const MAX_STAGE_HISTORY = 100;

export const dealId = idOf("deal");
export const dealStatus = z.enum(DEAL_STATUSES);

const text = (max: number) => z.string().check(z.trim(), z.minLength(1), z.maxLength(max));
const amount = z.int().check(z.minimum(0), z.maximum(MAX_AMOUNT));
export const currency = z
  .string()
  .check(
    z.trim(),
    z.toUpperCase(),
    z.regex(/^[A-Z]{3}$/, "Expected an ISO-4217 currency code such as EUR"),
  );
const calendarDate = z.iso.date();
const reason = text(500);

export const lineItem = z.strictObject({
  name: text(200),
  quantity: z.int().check(z.minimum(1), z.maximum(MAX_QUANTITY)),
  /** Minor units per unit. */
  unitPrice: amount,
});
export type LineItem = z.infer<typeof lineItem>;

/** The amount line items add up to: the sum of quantity × unit price. */
export const lineItemsTotal = (items: readonly LineItem[]): number =>
  items.reduce((sum, item) => sum + item.quantity * item.unitPrice, 0);

const lineItems = z.array(lineItem).check(
  z.maxLength(MAX_LINE_ITEMS),
  z.refine(
    (items) => lineItemsTotal(items) <= MAX_AMOUNT,
    `The line items add up to more than ${MAX_AMOUNT}`,
  ),
);

const amountMatchesLineItems = (body: {
  amount?: number | undefined;
  lineItems?: readonly LineItem[] | undefined;
}) =>
  body.amount === undefined ||
  body.lineItems === undefined ||
  body.lineItems.length === 0 ||
  body.amount === lineItemsTotal(body.lineItems);

const AMOUNT_MISMATCH = {
  message: "With line items the amount is their sum (quantity × unitPrice): leave it out",
  path: ["amount"],
};

export const createDealBody = z
  .strictObject({
    name: text(200),
    /** Minor units. Left out when line items are given: it is their sum. */
    amount: z.optional(amount),
    /** Defaults to the configured base currency. */
    currency: z.optional(currency),
    lineItems: z._default(lineItems, []),
    expectedCloseDate: calendarDate,
    pipelineId,
    /** Defaults to the pipeline's first open stage. */
    stageId: z.optional(stageId),
    /** Defaults to the caller. */
    ownerId: z.optional(userId),
    contactId: z.optional(contactId),
    companyId: z.optional(companyId),
    /** Why the deal was won or lost, when it is created in a closed stage (required when lost). */
    closeReason: z.optional(reason),
    customFields: z._default(customFieldValues, {}),
  })
  .check(
    z.refine((body) => body.amount !== undefined || body.lineItems.length > 0, {
      message: "A deal needs an amount, or line items to add it up from",
      path: ["amount"],
    }),
    z.refine(amountMatchesLineItems, AMOUNT_MISMATCH),
  );

const useStageRoute = (field: string) =>
  z.optional(
    z.never({
      error: `${field} changes only with POST /deals/{dealId}/stage, which records the stage history`,
    }),
  );

/** PATCH: every field optional; `null` clears an association. The stage has its own route. */
export const updateDealBody = z
  .strictObject({
    name: z.optional(text(200)),
    amount: z.optional(amount),
    currency: z.optional(currency),
    /** The whole new list; `[]` removes the line items (the amount then stays as it is). */
    lineItems: z.optional(lineItems),
    expectedCloseDate: z.optional(calendarDate),
    ownerId: z.optional(userId),
    contactId: z.optional(z.nullable(contactId)),
    companyId: z.optional(z.nullable(companyId)),
    customFields: z.optional(customFieldPatch),
    pipelineId: useStageRoute("pipelineId"),
    stageId: useStageRoute("stageId"),
    status: useStageRoute("status"),
    closeReason: useStageRoute("closeReason"),
  })
  .check(
    z.refine((body) => Object.keys(body).length > 0, "The patch changes nothing"),
    z.refine(amountMatchesLineItems, AMOUNT_MISMATCH),
  );

export const moveDealBody = z.strictObject({
  stageId,
  /** To move the deal into another pipeline; the deal's own pipeline when left out. */
  pipelineId: z.optional(pipelineId),
  /** Why: required when the stage is closed-lost, recorded in the stage history in every case. */
  reason: z.optional(reason),
});

export const stageHistoryEntry = z.object({
  pipelineId: z.string(),
  stageId: z.string(),
  enteredAt: isoDateTime,
  /** Absent on the entry of the stage the deal is in now. */
  leftAt: z.optional(isoDateTime),
  /** Whole seconds spent in the stage; with `leftAt`. */
  durationSeconds: z.optional(z.int()),
  enteredBy: userId,
  reason: z.optional(z.string()),
});
export type StageHistoryEntry = z.infer<typeof stageHistoryEntry>;

/** A deal as it is stored, and as events carry it. */
export const dealSchema = z.object({
  id: dealId,
  name: z.string(),
  amount: z.int(),
  currency: z.string(),
  lineItems: z.array(z.object({ name: z.string(), quantity: z.int(), unitPrice: z.int() })),
  expectedCloseDate: z.string(),
  pipelineId: z.string(),
  stageId: z.string(),
  /** From the stage's flags: `won` in a closed-won stage, `lost` in a closed-lost one. */
  status: dealStatus,
  stageEnteredAt: isoDateTime,
  /** When the deal entered its closed stage; absent while open. */
  closedAt: z.optional(isoDateTime),
  closeReason: z.optional(z.string()),
  /** Oldest first; the last entry is the current stage. */
  stageHistory: z.array(stageHistoryEntry),
  ownerId: z.string(),
  contactId: z.optional(z.string()),
  companyId: z.optional(z.string()),
  customFields: customFieldValues,
  ...recordMeta,
});

/** A deal as the API returns it: with its rotting flag, derived when it is read. */
export const dealView = z.object({
  ...dealSchema.def.shape,
  /** Open and idle in its stage for longer than the stage's `rottingDays`. */
  rotting: z.boolean(),
  /** Whole days since the deal entered its stage; only while open. */
  idleDays: z.optional(z.int()),
});

/** `GET /deals/{id}`: the deal with its engagement, derived from its activities. */
export const dealDetail = z.extend(dealView, { engagement: engagementSchema });

export const dealParams = z.strictObject({ dealId });

/**
 * List filters, one at a time (each has its own index), except `stageId`, which narrows
 * `pipelineId` to one column of the board.
 */
export const listDealsQuery = z
  .strictObject({
    ...pageQuery,
    pipelineId: z.optional(pipelineId),
    stageId: z.optional(stageId),
    ownerId: z.optional(userId),
    contactId: z.optional(contactId),
    companyId: z.optional(companyId),
  })
  .check(
    z.refine((q) => q.stageId === undefined || q.pipelineId !== undefined, {
      message: "stageId needs the pipelineId it belongs to",
      path: ["stageId"],
    }),
  );

export type Deal = z.infer<typeof dealSchema>;
export type DealView = z.infer<typeof dealView>;
export type DealDetail = z.infer<typeof dealDetail>;
export type CreateDeal = z.output<typeof createDealBody>;
export type UpdateDeal = z.output<typeof updateDealBody>;
export type MoveDeal = z.output<typeof moveDealBody>;
export type ListDealsQuery = z.output<typeof listDealsQuery>;
export type DealStatus = z.infer<typeof dealStatus>;
