import { fileURLToPath } from "node:url";
import { buildOpenApiDocument } from "#lib/openapi/document";
import type { OpenApiDocument } from "#lib/openapi/types";
import packageJson from "../../package.json" with { type: "json" };

/**
 * The committed document, `docs/openapi.json`: the `GET /openapi.json` function serves this file,
 * and a test fails when it no longer matches what the route table generates.
 */
export const OPENAPI_DOCUMENT_PATH = fileURLToPath(
  new URL("../../docs/openapi.json", import.meta.url),
);

export const buildCommittedDocument = (): OpenApiDocument =>
  buildOpenApiDocument({ title: "Serverless CRM API", version: packageJson.version });

/** Two-space JSON with a final newline, the way the repository formats JSON. */
export const serializeDocument = (document: OpenApiDocument): string =>
  `${JSON.stringify(document, null, 2)}\n`;
