import type { ItemKey, RecordModel } from "#lib/db/record-store";
import type { AssignmentConfig } from "#lib/lead-assignment/schema";

/**
 * Every key format of lead assignment, in one place. See docs/data-model.md.
 *
 * | item                 | pk                              | sk     | attributes                  |
 * |----------------------|---------------------------------|--------|-----------------------------|
 * | configuration        | lead-assignment                 | config | rules, teams, version       |
 * | a team's turn cursor | lead-assignment#team#<teamId>   | cursor | turns (a counter, `ADD`ed)  |
 *
 * The configuration is one item: it is read whole for every assignment (one GetItem) and
 * replaced whole by `PUT /lead-assignment`, conditioned on its version.
 */
export const CONFIG_ID = "config";
export const configKey = (): ItemKey => ({ pk: "lead-assignment", sk: "config" });
export const teamCursorKey = (teamId: string): ItemKey => ({
  pk: `lead-assignment#team#${teamId}`,
  sk: "cursor",
});

/** The stored configuration: a versioned record with a fixed id, so the record store writes it. */
export type StoredAssignmentConfig = Required<
  Pick<AssignmentConfig, "rules" | "teams" | "version" | "updatedAt" | "updatedBy">
> & { readonly id: string };

export const assignmentConfigModel: RecordModel<StoredAssignmentConfig> = {
  type: "lead-assignment-config",
  key: configKey,
  index: () => ({}),
  facets: () => [],
};
