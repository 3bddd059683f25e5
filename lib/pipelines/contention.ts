import { TransactionCanceledException } from "@aws-sdk/client-dynamodb";

/**
 * Every deal write goes through its stage's counter item (`lib/pipelines/keys.ts`), so deals created or moved at the same
 * moment in the same stage meet on one item. DynamoDB cancels a transaction that touches an item
 * another transaction is writing (reason `TransactionConflict`) instead of queueing it; that is
 * contention, not a refusal, so the write is tried again after a short random pause.
 */
export const CONTENTION_ATTEMPTS = 5;

export const isTransactionConflict = (error: unknown): boolean =>
  error instanceof TransactionCanceledException &&
  (error.CancellationReasons ?? []).some((reason) => reason.Code === "TransactionConflict");

const pause = (attempt: number) =>
  new Promise((resolve) => setTimeout(resolve, Math.random() * 25 * 2 ** attempt));

export const retryOnContention = async <T>(
  write: () => Promise<T>,
  wait: (attempt: number) => Promise<unknown> = pause,
): Promise<T> => {
  for (let attempt = 1; ; attempt++) {
    try {
      return await write();
    } catch (error) {
      if (!isTransactionConflict(error) || attempt >= CONTENTION_ATTEMPTS) throw error;
      await wait(attempt);
    }
  }
};
