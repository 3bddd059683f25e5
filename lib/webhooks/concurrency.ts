/**
 * Runs `task` over `items` with at most `limit` in flight: attempts wait on slow receivers, and
 * one slow receiver must not hold up the others, nor may hundreds of sockets open at once.
 * Every task runs even if some fail; the first failure is rethrown at the end.
 */
export const forEachLimited = async <T>(
  items: readonly T[],
  limit: number,
  task: (item: T) => Promise<void>,
): Promise<void> => {
  let next = 0;
  const failures: unknown[] = [];
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await task(item).catch((error: unknown) => {
        failures.push(error);
      });
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (failures.length > 0) throw failures[0];
};
