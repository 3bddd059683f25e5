import { mkdir, readdir, rm, writeFile } from "node:fs/promises";
import { dirname, join, relative } from "node:path";
import { catalogueArtifacts } from "#events/artifacts";
import { projectRoot } from "#infra/project-root";

/**
 * Writes `events/schemas/<detail-type>.json` and `events/examples/<detail-type>.json` from the
 * catalogue (and the inbound catalogue's under `inbound/` in each), and removes the files of
 * detail-types that no longer exist: `npx tsx events/generate.ts`. Commit the result; a test fails while they are stale.
 */
const artifacts = catalogueArtifacts();
const expected = new Set(artifacts.map((artifact) => artifact.path));
for (const folder of ["events/schemas", "events/examples"]) {
  await mkdir(join(projectRoot, folder), { recursive: true });
  // Recursive: the inbound catalogue's files live in `inbound/` under each folder.
  for (const entry of await readdir(join(projectRoot, folder), {
    recursive: true,
    withFileTypes: true,
  })) {
    const file = relative(projectRoot, join(entry.parentPath, entry.name));
    if (entry.isFile() && !expected.has(file)) await rm(join(projectRoot, file));
  }
}
for (const artifact of artifacts) {
  await mkdir(dirname(join(projectRoot, artifact.path)), { recursive: true });
  await writeFile(join(projectRoot, artifact.path), artifact.content, "utf8");
}
console.log(`Wrote ${artifacts.length} files under events/`);
