import { mkdir, readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { build } from "esbuild";
import { esbuildOptions } from "#infra/bundling";
import { projectRoot } from "#infra/project-root";
import { functions } from "#lib/wiring/functions";

/**
 * Builds every Lambda bundle exactly as the CDK does (same esbuild options, from
 * `infra/bundling.ts`), plus the two floor handlers the cold start is measured against.
 */
export const BUILD_DIR = join(projectRoot, "bench", ".build");

export type BundleKind = "function" | "floor";

export interface Bundle {
  readonly name: string;
  readonly kind: BundleKind;
  /** The handler module, relative to the project root. */
  readonly entry: string;
  /** The built `index.mjs` (absolute path). */
  readonly file: string;
  /** Minified size in bytes, without the source map (which is deployed but not loaded). */
  readonly bytes: number;
  /** Gzip (level 9) of the minified bundle: roughly what the deployment zip stores. */
  readonly gzipBytes: number;
}

export const FLOOR_EMPTY = "floor: empty handler";
export const FLOOR_DYNAMODB = "floor: DynamoDB client";

const floors = [
  { name: FLOOR_EMPTY, entry: "bench/floors/empty-handler.ts" },
  { name: FLOOR_DYNAMODB, entry: "bench/floors/dynamodb-client-handler.ts" },
] as const;

const buildOne = async (
  outDir: string,
  name: string,
  kind: BundleKind,
  entry: string,
): Promise<Bundle> => {
  // One folder per bundle, named `index.mjs` like the CDK's asset, so the code (and the
  // sourceMappingURL comment in it) is byte for byte the deployed file.
  const dir = join(outDir, name.replace(/[^\w-]+/g, "-"));
  const file = join(dir, "index.mjs");
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  // esbuild resolves from the working directory as the CDK's does: the project root.
  await build({ ...esbuildOptions(join(projectRoot, entry), file), absWorkingDir: projectRoot });
  const code = await readFile(file);
  return {
    name,
    kind,
    entry,
    file,
    bytes: code.byteLength,
    gzipBytes: gzipSync(code, { level: 9 }).byteLength,
  };
};

/** Every function of `lib/wiring/functions.ts`, then the floors, each in `outDir/<name>/`. */
export const buildBundles = async (outDir: string = BUILD_DIR): Promise<Bundle[]> => {
  const bundles: Bundle[] = [];
  // One at a time: esbuild is already parallel inside, and there are two cores.
  for (const [name, fn] of Object.entries(functions)) {
    bundles.push(await buildOne(outDir, name, "function", fn.entry));
  }
  for (const floor of floors)
    bundles.push(await buildOne(outDir, floor.name, "floor", floor.entry));
  return bundles;
};
