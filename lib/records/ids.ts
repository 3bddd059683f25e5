import { monotonicFactory } from "ulid";

const ulid = monotonicFactory();

/** Sortable ids prefixed by type: `con_01J…`, `co_01J…`. */
export const newId = (prefix: string) => `${prefix}_${ulid()}`;
