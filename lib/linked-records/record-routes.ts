import * as z from "zod/mini";
import {
  type LinkableEntityName,
  linkableEntities,
  type RecordRef,
} from "#lib/linked-records/registry";
import { idOf } from "#lib/records/common-schema";

/**
 * What the routes on one linked record (`/<collection>/{<idParam>}/timeline`, `…/comments`,
 * `…/history`) share: their operation ids, their path parameters, and reading the record back
 * from those parameters. Each capability generates its routes from the registry with these, so
 * an entity added to the registry gets all of them.
 */

/** `deal` → `Deal`, for operation ids such as `getDealTimeline`. */
export const capitalized = <E extends string>(word: E) =>
  `${word.charAt(0).toUpperCase()}${word.slice(1)}` as Capitalize<E>;

/** `{ contactId: con_… }`: the record named by the path, in the registry's parameter. */
export const recordParams = (entity: LinkableEntityName) => {
  const { idParam, idPrefix } = linkableEntities[entity];
  return z.strictObject({ [idParam]: idOf(idPrefix) } as Record<string, z.ZodMiniString>);
};

/** The record a per-record route was called for. */
export const recordOf = (
  entity: LinkableEntityName,
  params: Readonly<Record<string, string>>,
): RecordRef => ({ entity, id: params[linkableEntities[entity].idParam] ?? "" });
