import * as z from "zod/mini";

/**
 * Schema pieces that every CRM record shares: ids, tags, owners, paging. Kept with the records
 * layer rather than in each capability so that contacts, companies and later entities agree.
 */
export const idOf = (prefix: string) =>
  z
    .string()
    .check(z.regex(new RegExp(`^${prefix}_[0-9A-HJKMNP-TV-Z]{26}$`), `Expected a ${prefix}_ id`));

export const userId = z.string().check(z.minLength(1), z.maxLength(128));

export const tag = z
  .string()
  .check(
    z.trim(),
    z.toLowerCase(),
    z.minLength(1),
    z.maxLength(50),
    z.regex(/^[a-z0-9][a-z0-9 _.:/-]*$/, "Tags use letters, digits, space and _ . : / -"),
  );

export const MAX_TAGS = 15;
export const tags = z.array(tag).check(
  z.maxLength(MAX_TAGS),
  z.refine((list) => new Set(list).size === list.length, "Tags must be unique"),
);

/** A list of one to `max` values, none repeated: the lists that configuration rules match on. */
export const distinct = <T extends z.ZodMiniType>(item: T, max: number) =>
  z.array(item).check(
    z.minLength(1),
    z.maxLength(max),
    z.refine((list) => new Set(list).size === list.length, "Values must be unique"),
  );

export const isoDateTime = z.iso.datetime({ offset: false });

/**
 * An ISO-8601 time as the table stores it, in UTC with milliseconds: `2026-11-23T10:00:00.000Z`.
 * Times in sort keys compare as strings, and without it `…T10:00:00Z` would sort after
 * `…T10:00:00.500Z` (`Z` > `.`); a time with an offset becomes the same instant in UTC.
 */
export const canonicalInstant = (iso: string): string => new Date(iso).toISOString();

/** Fields the server sets on every record; clients read them and never write them. */
export const recordMeta = {
  version: z.int().check(z.positive()),
  createdAt: isoDateTime,
  updatedAt: isoDateTime,
  createdBy: userId,
  updatedBy: userId,
};

export const DEFAULT_PAGE_SIZE = 25;
export const MAX_PAGE_SIZE = 100;

export const pageQuery = {
  limit: z.optional(
    z.pipe(
      z.string().check(z.regex(/^\d{1,3}$/, "limit must be a whole number")),
      z.pipe(z.transform(Number), z.int().check(z.minimum(1), z.maximum(MAX_PAGE_SIZE))),
    ),
  ),
  cursor: z.optional(z.string().check(z.minLength(1), z.maxLength(2048))),
};

export const pageOf = <T extends z.ZodMiniType>(item: T) =>
  z.object({ data: z.array(item), nextCursor: z.nullable(z.string()) });

/** The shape of every error response, for the OpenAPI document. */
export const problemSchema = z.object({
  type: z.string(),
  title: z.string(),
  status: z.int(),
  detail: z.string(),
  code: z.string(),
  requestId: z.string(),
  errors: z.optional(z.array(z.object({ path: z.string(), message: z.string() }))),
});
