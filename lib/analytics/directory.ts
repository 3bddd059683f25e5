import * as z from "zod/mini";
import { DIRECTORY_TYPE, directoryKey } from "#lib/analytics/keys";
import { getItem, type Item } from "#lib/analytics/store";

/**
 * The names reports put on their series (pipelines and their stages, teams) and the team
 * membership the team grouping needs, copied by each rollup into one rollup item. A report then
 * reads one small item instead of the pipelines and the assignment configuration, and stays
 * within the rollup items; a pipeline renamed a minute ago shows its new name after the next
 * rollup. The rollup collects it (`rollup.ts`); this module only reads it, so that the reports
 * function does not load the pipelines and assignment code.
 */
export const directorySchema = z.object({
  pipelines: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      stages: z.array(
        z.object({ id: z.string(), name: z.string(), closed: z.boolean(), won: z.boolean() }),
      ),
    }),
  ),
  teams: z.array(z.object({ id: z.string(), name: z.string(), members: z.array(z.string()) })),
  /** When the last rollup ran: the figures of derived, weekly and monthly items are as of then. */
  rolledUpAt: z.optional(z.string()),
});
export type Directory = z.infer<typeof directorySchema>;

export const EMPTY_DIRECTORY: Directory = { pipelines: [], teams: [] };

export const directoryItem = (directory: Directory): Item => ({
  ...directoryKey(),
  entityType: DIRECTORY_TYPE,
  ...directory,
});

export const readDirectory = async (): Promise<Directory> => {
  const item = await getItem(directoryKey());
  if (!item) return EMPTY_DIRECTORY;
  const parsed = directorySchema.safeParse(item);
  return parsed.success ? parsed.data : EMPTY_DIRECTORY;
};
