import { TransactionCanceledException } from "@aws-sdk/client-dynamodb";
import { describe, expect, it } from "vitest";
import { CONTENTION_ATTEMPTS, retryOnContention } from "#lib/db/contention";

const cancelled = (...codes: string[]) =>
  new TransactionCanceledException({
    message: "Transaction cancelled",
    $metadata: {},
    CancellationReasons: codes.map((Code) => ({ Code })),
  });

const noWait = async () => {};

describe("retryOnContention", () => {
  it("tries a write again while another transaction holds the counter", async () => {
    let calls = 0;
    const result = await retryOnContention(async () => {
      calls++;
      if (calls < 3) throw cancelled("None", "TransactionConflict");
      return "written";
    }, noWait);
    expect(result).toBe("written");
    expect(calls).toBe(3);
  });

  it(`gives up after ${CONTENTION_ATTEMPTS} attempts`, async () => {
    let calls = 0;
    const error = await retryOnContention(async () => {
      calls++;
      throw cancelled("TransactionConflict");
    }, noWait).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransactionCanceledException);
    expect(calls).toBe(CONTENTION_ATTEMPTS);
  });

  it("does not retry a refusal or any other error", async () => {
    for (const failure of [cancelled("ConditionalCheckFailed"), new Error("boom")]) {
      let calls = 0;
      const error = await retryOnContention(async () => {
        calls++;
        throw failure;
      }, noWait).catch((e: unknown) => e);
      expect(error).toBe(failure);
      expect(calls).toBe(1);
    }
  });
});
