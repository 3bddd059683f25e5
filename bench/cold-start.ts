import { execFile } from "node:child_process";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { projectRoot } from "#infra/project-root";
import { type Bundle, FLOOR_DYNAMODB, FLOOR_EMPTY } from "./bundles.ts";
import { median, shuffled } from "./stats.ts";

/**
 * Module init time: how long a fresh Node 24 process takes to import a bundle, which is the part
 * of a Lambda cold start our code controls. Each sample is its own process, so nothing is cached
 * in memory between samples, like on a new Lambda instance.
 */

/** Node 24, from the `node` devDependency: the version Lambda runs, not the machine's own. */
export const NODE_24 = join(projectRoot, "node_modules", ".bin", "node");

/**
 * The environment the CDK gives every function (infra/constructs/crm-function.ts), plus what
 * Lambda itself sets. Built from scratch rather than inherited, so that the loader flags tsx put
 * into this process's NODE_OPTIONS do not reach the child.
 */
const lambdaEnvironment: NodeJS.ProcessEnv = {
  PATH: process.env.PATH ?? "/usr/bin:/bin",
  AWS_REGION: "us-east-1",
  AWS_LAMBDA_FUNCTION_NAME: "crm-bench",
  AWS_LAMBDA_FUNCTION_MEMORY_SIZE: "1024",
  TABLE_NAME: "crm-bench",
  ROLES_CLAIM: "cognito:groups",
  POWERTOOLS_SERVICE_NAME: "crm",
  NODE_OPTIONS: "--enable-source-maps",
};

/** The child times only the import, so Node's own start-up (the same for all) is left out. */
const timerScript = (url: string) =>
  `const t = performance.now(); await import(${JSON.stringify(url)}); ` +
  "process.stdout.write(JSON.stringify({ ms: performance.now() - t }));";

const importOnce = (bundle: Bundle): Promise<number> =>
  new Promise((resolveTime, reject) => {
    const url = pathToFileURL(bundle.file).href;
    execFile(
      NODE_24,
      ["--input-type=module", "--eval", timerScript(url)],
      { env: lambdaEnvironment, cwd: projectRoot, timeout: 30_000 },
      (error, stdout, stderr) => {
        if (error) {
          reject(new Error(`Importing ${bundle.name} failed: ${stderr || error.message}`));
          return;
        }
        const { ms } = JSON.parse(stdout) as { ms: number };
        resolveTime(ms);
      },
    );
  });

export interface ColdStartFigure {
  readonly name: string;
  readonly kind: Bundle["kind"];
  readonly bytes: number;
  readonly gzipBytes: number;
  /** Median import time, in the deployed environment (`--enable-source-maps` included). */
  readonly initMs: number;
  /**
   * Median, over the rounds, of this bundle's time minus the floor's time in the same round:
   * paired within a round, the difference drops the machine's slow and fast spells that a
   * difference of two medians keeps.
   */
  readonly aboveEmptyMs: number;
  readonly aboveDynamoDBMs: number;
  readonly samplesMs: readonly number[];
}

export interface ColdStartResult {
  readonly iterations: number;
  readonly figures: readonly ColdStartFigure[];
}

/**
 * Round-robin: each round imports every bundle once, in a new random order, so that a noisy
 * moment of the machine hits all bundles alike instead of the ones measured at that moment.
 * A first round is run and thrown away to warm the page cache.
 */
export const measureColdStart = async (
  bundles: readonly Bundle[],
  iterations: number,
): Promise<ColdStartResult> => {
  const samples = new Map<string, number[]>(bundles.map((b) => [b.name, []]));
  for (let round = 0; round <= iterations; round++) {
    for (const bundle of shuffled(bundles)) {
      const ms = await importOnce(bundle);
      if (round > 0) samples.get(bundle.name)?.push(ms);
    }
  }
  const above = (own: readonly number[], floor: string) => {
    const floorSamples = samples.get(floor) ?? [];
    return median(own.map((ms, round) => ms - (floorSamples[round] ?? Number.NaN)));
  };
  return {
    iterations,
    figures: bundles.map((bundle) => {
      const own = samples.get(bundle.name) ?? [];
      const initMs = median(own);
      return {
        name: bundle.name,
        kind: bundle.kind,
        bytes: bundle.bytes,
        gzipBytes: bundle.gzipBytes,
        initMs,
        aboveEmptyMs: above(own, FLOOR_EMPTY),
        aboveDynamoDBMs: above(own, FLOOR_DYNAMODB),
        samplesMs: own,
      };
    }),
  };
};
