import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ROLES } from "#lib/auth/roles";
import { isPublicRoute } from "#lib/http/route";
import { routes } from "#lib/wiring/routes";
import { repoRoot } from "#local/data-dir";

/**
 * docs/api.md's route table is written by hand, for people; this keeps it true to the route
 * table: every route is listed once with the roles it admits, and nothing else is listed.
 * A row may stand for one route per linked record: `/{contacts|companies}/{id}/timeline`.
 */
const apiDoc = await readFile(join(repoRoot, "docs", "api.md"), "utf8");

interface DocRow {
  readonly key: string;
  readonly roles: string;
}

/** `/{contacts\|deals}/{id}/x` → `/contacts/{contactId}/x`, `/deals/{dealId}/x`. */
const expand = (method: string, path: string, roles: string): DocRow[] => {
  const alternatives = /^\/\{([a-z|\\]+)\}\/\{id\}(.*)$/.exec(path);
  if (!alternatives) return [{ key: `${method} ${path}`, roles }];
  const [, collections = "", rest = ""] = alternatives;
  return collections.split("\\|").map((collection) => {
    const singular = collection === "companies" ? "company" : collection.replace(/s$/, "");
    return { key: `${method} /${collection}/{${singular}Id}${rest}`, roles };
  });
};

const docRows: DocRow[] = [
  // Rows of the route tables: route, roles, what it does (the filter table has two cells).
  ...apiDoc.matchAll(/^\| `(GET|POST|PUT|PATCH|DELETE) ([^`]+)` \| ([^|]+) \| [^|]/gm),
].flatMap(([, method = "", path = "", roles = ""]) =>
  // `public (no token)`, `public (survey token)`: the words in brackets say what stands in.
  expand(method, path, roles.trim().replace(/^public \(.+\)$/, "public")),
);

const rolesColumn = (route: (typeof routes)[number]) => {
  if (isPublicRoute(route)) return "public";
  return route.roles.length === ROLES.length ? "all" : route.roles.join(", ");
};

describe("docs/api.md", () => {
  it("lists every route once, with the roles it admits", () => {
    const documented = new Map(docRows.map((row) => [row.key, row.roles]));
    expect(docRows.length).toBe(documented.size);
    const expected = new Map(routes.map((r) => [`${r.method} ${r.path}`, rolesColumn(r)]));
    expect(documented).toEqual(expected);
  });
});
