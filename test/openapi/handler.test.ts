import { readFile } from "node:fs/promises";
import { build } from "esbuild";
import { describe, expect, it } from "vitest";
import { handler } from "#functions/openapi/handler";
import { OPENAPI_DOCUMENT_PATH } from "#lib/openapi/artifact";
import { apiEvent, invoke } from "#test/support/api-gateway-event";

const committed: unknown = JSON.parse(await readFile(OPENAPI_DOCUMENT_PATH, "utf8"));

describe("GET /openapi.json", () => {
  it("serves the committed document to any reader, with a cache lifetime", async () => {
    const result = await invoke(
      handler,
      apiEvent({ routeKey: "GET /openapi.json", roles: "[read-only]" }),
    );
    expect(result.statusCode).toBe(200);
    expect(result.headers).toMatchObject({
      "content-type": "application/json",
      "cache-control": "private, max-age=300",
    });
    expect(result.json).toEqual(committed);
  });

  it("goes through the shared middleware: no token is a 401 problem", async () => {
    const result = await invoke(handler, apiEvent({ routeKey: "GET /openapi.json", sub: null }));
    expect(result.statusCode).toBe(401);
    expect(result.headers?.["content-type"]).toBe("application/problem+json");
  });

  it("refuses a query string, like every route that declares none", async () => {
    const result = await invoke(
      handler,
      apiEvent({ routeKey: "GET /openapi.json", query: { format: "yaml" } }),
    );
    expect(result.statusCode).toBe(400);
  });
});

describe("the openapi function's bundle", () => {
  it("carries the JSON document, not the generator or the capabilities' schemas", async () => {
    const { metafile } = await build({
      entryPoints: ["functions/openapi/handler.ts"],
      bundle: true,
      platform: "node",
      format: "esm",
      target: "node24",
      write: false,
      metafile: true,
      logLevel: "silent",
    });
    const sources = Object.keys(metafile.inputs).filter((input) => !input.includes("node_modules"));
    expect(sources).toContain("docs/openapi.json");
    expect(sources).toContain("lib/openapi/routes.ts");
    expect(
      sources.filter(
        (source) => source.startsWith("lib/openapi/") && source !== "lib/openapi/routes.ts",
      ),
    ).toEqual([]);
    expect(
      sources.filter((source) => /^lib\/(contacts|companies|custom-fields|wiring)\//.test(source)),
    ).toEqual([]);
  });
});
