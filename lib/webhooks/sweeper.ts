import { logger } from "#lib/observability/logger";
import { type AttemptContext, attemptDelivery } from "#lib/webhooks/attempt";
import { forEachLimited } from "#lib/webhooks/concurrency";
import { claimDelivery, dueDeliveries } from "#lib/webhooks/delivery-store";
import { type DeliveryTarget, loadTarget } from "#lib/webhooks/signing-keys";

export interface SweepOptions extends AttemptContext {
  /** Epoch ms after which no new page is started; the rest waits for the next run. */
  readonly deadline: number;
  readonly pageSize?: number;
  readonly concurrency?: number;
}

export interface SweepSummary {
  readonly due: number;
  readonly attempted: number;
  /** Due deliveries another runner claimed first. */
  readonly lostClaims: number;
}

/**
 * One run of the retry sweeper: reads the due list a page at a time (one Query each), claims
 * each due delivery with a conditional write and attempts the ones it won. Two sweepers running
 * at once split the work; neither sends an attempt the other sent.
 */
export const sweepDueDeliveries = async (options: SweepOptions): Promise<SweepSummary> => {
  const now = options.now ?? Date.now;
  const targets = new Map<string, Promise<DeliveryTarget | undefined>>();
  const targetOf = (webhookId: string) => {
    const cached = targets.get(webhookId) ?? loadTarget(webhookId);
    targets.set(webhookId, cached);
    return cached;
  };
  let due = 0;
  let attempted = 0;
  let lostClaims = 0;
  let resume: Record<string, unknown> | undefined;
  do {
    const page = await dueDeliveries(now(), options.pageSize ?? 25, resume);
    resume = page.resume;
    due += page.items.length;
    await forEachLimited(page.items, options.concurrency ?? 10, async (item) => {
      const claimed = await claimDelivery(item, now(), options.policy);
      if (!claimed) {
        lostClaims++;
        return;
      }
      attempted++;
      const trigger = claimed.item.automaticAttempts === 0 ? "initial" : "retry";
      await attemptDelivery(claimed, trigger, await targetOf(item.webhookId), options);
    });
  } while (resume && now() < options.deadline);
  if (due > 0) logger.info("Webhook sweep", { due, attempted, lostClaims });
  return { due, attempted, lostClaims };
};
