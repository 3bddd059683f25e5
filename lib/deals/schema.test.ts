import { describe, expect, it } from "vitest";
import * as z from "zod/mini";
import en from "zod/v4/locales/en.js";
import {
  createDealBody,
  listDealsQuery,
  MAX_AMOUNT,
  moveDealBody,
  updateDealBody,
} from "#lib/deals/schema";

// The messages clients see: the validation middleware configures the same locale.
z.config(en());

const messages = (result: { error?: { issues: { path: PropertyKey[]; message: string }[] } }) =>
  (result.error?.issues ?? []).map((i) => `${i.path.join(".")}: ${i.message}`);

const pipelineId = "pip_01JD7QD4E5F6G7H8J9K0M1N2P3";
const stageId = "stg_01JD7QD5A1B2C3D4E5F6G7H8J0";
const base = { name: "Big deal", expectedCloseDate: "2026-12-15", pipelineId };

describe("createDealBody", () => {
  it("takes an amount in minor units, upper-cases the currency and fills defaults", () => {
    expect(createDealBody.safeParse({ ...base, amount: 120_000, currency: " usd " }).data).toEqual({
      ...base,
      amount: 120_000,
      currency: "USD",
      lineItems: [],
      customFields: {},
    });
  });

  it("refuses negative, fractional and huge amounts, and malformed currencies and dates", () => {
    expect(
      messages(
        createDealBody.safeParse({
          ...base,
          amount: -1,
          currency: "EURO",
          expectedCloseDate: "2026-02-30",
        }),
      ),
    ).toEqual([
      "amount: Too small: expected number to be >=0",
      "currency: Expected an ISO-4217 currency code such as EUR",
      "expectedCloseDate: Invalid ISO date",
    ]);
    expect(messages(createDealBody.safeParse({ ...base, amount: 10.5 }))).toEqual([
      "amount: Invalid input: expected int, received number",
    ]);
    expect(messages(createDealBody.safeParse({ ...base, amount: MAX_AMOUNT + 1 }))).toHaveLength(1);
  });

  it("needs an amount or line items, and an amount that matches the line items", () => {
    expect(messages(createDealBody.safeParse(base))).toEqual([
      "amount: A deal needs an amount, or line items to add it up from",
    ]);
    const lineItems = [
      { name: "Licence", quantity: 3, unitPrice: 10_000 },
      { name: "Training", quantity: 1, unitPrice: 5_000 },
    ];
    expect(createDealBody.safeParse({ ...base, lineItems }).success).toBe(true);
    expect(createDealBody.safeParse({ ...base, lineItems, amount: 35_000 }).success).toBe(true);
    expect(messages(createDealBody.safeParse({ ...base, lineItems, amount: 1 }))).toEqual([
      "amount: With line items the amount is their sum (quantity × unitPrice): leave it out",
    ]);
    expect(
      messages(
        createDealBody.safeParse({
          ...base,
          lineItems: [{ name: "x", quantity: 0, unitPrice: -5 }],
        }),
      ),
    ).toEqual([
      "lineItems.0.quantity: Too small: expected number to be >=1",
      "lineItems.0.unitPrice: Too small: expected number to be >=0",
    ]);
  });

  it("refuses server-set fields", () => {
    expect(
      messages(createDealBody.safeParse({ ...base, amount: 1, status: "won", version: 2 })),
    ).toEqual([': Unrecognized keys: "status", "version"']);
  });
});

describe("updateDealBody", () => {
  it("refuses stage changes, pointing at the stage route", () => {
    expect(messages(updateDealBody.safeParse({ stageId }))).toEqual([
      "stageId: stageId changes only with POST /deals/{dealId}/stage, which records the stage history",
    ]);
    expect(messages(updateDealBody.safeParse({ pipelineId, status: "won" }))).toHaveLength(2);
  });

  it("clears associations with null and refuses an empty patch", () => {
    expect(updateDealBody.safeParse({ contactId: null, companyId: null }).success).toBe(true);
    expect(messages(updateDealBody.safeParse({}))).toEqual([": The patch changes nothing"]);
  });
});

describe("moveDealBody and listDealsQuery", () => {
  it("needs a stage id, and a reason of sensible length when one is given", () => {
    expect(moveDealBody.safeParse({ stageId, reason: " Price " }).data).toEqual({
      stageId,
      reason: "Price",
    });
    expect(messages(moveDealBody.safeParse({ stageId: "won", reason: "" }))).toEqual([
      "stageId: Expected a stg_ id",
      "reason: Too small: expected string to have >=1 characters",
    ]);
  });

  it("takes a board column as pipeline and stage together", () => {
    expect(listDealsQuery.safeParse({ pipelineId, stageId }).success).toBe(true);
    expect(messages(listDealsQuery.safeParse({ stageId }))).toEqual([
      "stageId: stageId needs the pipelineId it belongs to",
    ]);
  });
});
