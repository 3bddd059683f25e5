import { describe, expect, it } from "vitest";
import { routes } from "#lib/wiring/index";
import { createRouteMatcher } from "#local/route-matcher";

const table = [
  { method: "GET", path: "/contacts" },
  { method: "POST", path: "/contacts" },
  { method: "GET", path: "/contacts/{contactId}" },
  { method: "PATCH", path: "/contacts/{contactId}" },
  { method: "GET", path: "/contacts/search" },
  { method: "PUT", path: "/contacts/{contactId}/companies/{companyId}" },
  { method: "GET", path: "/files/{path+}" },
] as const;

describe("route matching", () => {
  const match = createRouteMatcher(table);

  it("matches a literal path", () => {
    // Act
    const result = match("POST", "/contacts");
    // Assess
    expect(result).toEqual({ kind: "found", route: table[1], pathParameters: {} });
  });

  it("matches templates and decodes the path parameters", () => {
    const result = match("PUT", "/contacts/con_1/companies/co%20mp%2F2");
    expect(result).toEqual({
      kind: "found",
      route: table[5],
      pathParameters: { contactId: "con_1", companyId: "co mp/2" },
    });
  });

  it("prefers a literal segment over a parameter, whatever the declaration order", () => {
    expect(match("GET", "/contacts/search")).toMatchObject({ route: table[4] });
    expect(match("GET", "/contacts/con_9")).toMatchObject({
      route: table[2],
      pathParameters: { contactId: "con_9" },
    });
  });

  it("falls back to the parameter route when the literal route lacks the method", () => {
    expect(match("PATCH", "/contacts/search")).toMatchObject({
      route: table[3],
      pathParameters: { contactId: "search" },
    });
  });

  it("matches a greedy parameter over the rest of the path", () => {
    expect(match("GET", "/files/a/b/c.txt")).toMatchObject({
      pathParameters: { path: "a/b/c.txt" },
    });
    expect(match("GET", "/files/")).toEqual({ kind: "not_found" });
  });

  it("keeps a malformed escape as it was sent", () => {
    expect(match("GET", "/contacts/%E0%A4%A")).toMatchObject({
      pathParameters: { contactId: "%E0%A4%A" },
    });
  });

  it("answers not_found for unknown paths, trailing slashes, empty segments and other case", () => {
    for (const path of ["/nope", "/contacts/", "/contacts//companies/x", "/Contacts", "/", ""]) {
      expect(match("GET", path), path).toEqual({ kind: "not_found" });
    }
  });

  it("answers method_not_allowed with every method the path supports", () => {
    expect(match("DELETE", "/contacts")).toEqual({
      kind: "method_not_allowed",
      allow: ["GET", "POST"],
    });
    expect(match("DELETE", "/contacts/search")).toEqual({
      kind: "method_not_allowed",
      allow: ["GET", "PATCH"],
    });
    expect(match("HEAD", "/contacts/con_1")).toEqual({
      kind: "method_not_allowed",
      allow: ["GET", "PATCH"],
    });
  });

  it("rejects a template whose greedy parameter is not last", () => {
    expect(() => createRouteMatcher([{ method: "GET", path: "/a/{rest+}/b" }])).toThrow(/last/);
  });

  it("routes every declared route of the CRM to itself", () => {
    const crm = createRouteMatcher(routes);
    for (const route of routes) {
      const path = route.path.replace(/\{(\w+)\}/g, (_, name: string) => `${name}-value`);
      expect(crm(route.method, path), `${route.method} ${route.path}`).toMatchObject({
        kind: "found",
        route: { operationId: route.operationId },
      });
    }
  });
});
