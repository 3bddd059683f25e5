import { mkdir, writeFile } from "node:fs/promises";
import { dirname, relative } from "node:path";
import {
  buildCommittedDocument,
  OPENAPI_DOCUMENT_PATH,
  serializeDocument,
} from "#lib/openapi/artifact";

/** `npm run openapi`: regenerates docs/openapi.json from the route table. */
const document = buildCommittedDocument();
await mkdir(dirname(OPENAPI_DOCUMENT_PATH), { recursive: true });
await writeFile(OPENAPI_DOCUMENT_PATH, serializeDocument(document));
const operations = Object.values(document.paths).reduce(
  (count, item) => count + Object.keys(item).length,
  0,
);
console.log(`Wrote ${relative(process.cwd(), OPENAPI_DOCUMENT_PATH)}: ${operations} operations`);
