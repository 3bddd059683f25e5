import { getByFacet, type ItemKey, type ListQuery, listRecords } from "#lib/db/record-store";
import { DomainError } from "#lib/errors/domain-error";
import type { Page } from "#lib/http/response";
import { DEFAULT_PAGE_SIZE } from "#lib/records/common-schema";

/** How one filter is served: an exact lookup of a unique facet, or one index Query. */
export type FilterPlan = { readonly lookup: ItemKey } | Omit<ListQuery, "limit" | "cursor">;

type PageParams = { readonly limit?: number | undefined; readonly cursor?: string | undefined };

/**
 * Lists records by at most one filter, each served by its own index (one Query per page) or by a
 * unique facet (one GetItem). Combining filters would need a Scan or a filter expression that
 * reads more than a page, so it is refused with a clear message instead.
 */
export const listByOneFilter = async <R, F extends string>(
  entity: string,
  query: PageParams & { readonly [K in F]?: string | undefined },
  plans: { readonly [K in F]: (value: string) => FilterPlan },
  unfiltered: Omit<ListQuery, "limit" | "cursor">,
): Promise<Page<R>> => {
  const used = (Object.keys(plans) as F[]).filter((f) => query[f] !== undefined);
  if (used.length > 1) {
    throw new DomainError(
      "invalid",
      `${entity}.filters_not_combinable`,
      `Use one filter at a time; got ${used.join(", ")}.`,
      {},
      [{ path: "query", message: `Filters ${used.join(", ")} cannot be combined` }],
    );
  }
  const [filter] = used;
  const plan = filter === undefined ? unfiltered : plans[filter](query[filter] as string);
  if ("lookup" in plan) {
    if (query.cursor !== undefined) {
      throw new DomainError(
        "invalid",
        "request.invalid_cursor",
        `A ${filter} lookup has a single page.`,
        {},
        [{ path: "query.cursor", message: "Invalid cursor" }],
      );
    }
    const record = await getByFacet<R>(plan.lookup);
    return { data: record ? [record] : [], nextCursor: null };
  }
  return listRecords<R>({ ...plan, limit: query.limit ?? DEFAULT_PAGE_SIZE, cursor: query.cursor });
};
