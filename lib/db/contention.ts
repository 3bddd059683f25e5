import { TransactionCanceledException } from "@aws-sdk/client-dynamodb";

/**
 * DynamoDB cancels a transaction that touches an item another transaction is writing (reason
 * `TransactionConflict`) instead of queueing it; that is contention, not a refusal, so the write
 * is tried again after a short random pause. Items many writes meet on see it most: a stage's
 * deal counter (`lib/pipelines/keys.ts`), which every deal created or moved in that stage writes.
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
