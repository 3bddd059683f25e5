import type { BuildOptions } from "esbuild";

/**
 * How every Lambda function is bundled, as plain data. `CrmFunction` hands it to the CDK's
 * `NodejsFunction`, and the benchmarks build the same bundles from it with esbuild's JS API, so
 * the bundle whose size and init time they report is the one that is deployed.
 */
export interface LambdaBundling {
  readonly format: "esm";
  /** esbuild's target; the Lambda runtime is `nodejs24.x`. */
  readonly target: string;
  readonly mainFields: readonly string[];
  readonly minify: boolean;
  readonly sourceMap: boolean;
  readonly sourcesContent: boolean;
  /** Packages left out of the bundle. */
  readonly externalModules: readonly string[];
  /** JavaScript put at the top of the bundle. */
  readonly banner: string;
}

/**
 * esbuild output is ESM, and some CommonJS dependencies inside the AWS SDK call `require` for
 * Node built-ins; esbuild's ESM shim throws on that, so a real `require` is provided up front.
 */
const requireBanner =
  "import { createRequire as __crmCreateRequire } from 'node:module';" +
  "const require = __crmCreateRequire(import.meta.url);";

export const lambdaBundling: LambdaBundling = {
  format: "esm",
  target: "node24",
  // Prefer the ESM builds of dependencies so esbuild can tree-shake them.
  mainFields: ["module", "main"],
  minify: true,
  sourceMap: true,
  // Stack traces need names and lines, not the sources; this keeps the asset small.
  sourcesContent: false,
  // Bundle the AWS SDK too: the version is the one we tested, not whatever the runtime ships,
  // and a tree-shaken bundle starts faster than the runtime's full copy.
  externalModules: [],
  banner: requireBanner,
};

/**
 * The esbuild options equivalent to what the CDK runs for `bundling` (aws-lambda-nodejs builds
 * `esbuild --bundle <entry> --platform=node --outfile=<dir>/index.mjs` plus one flag per option),
 * so that a bundle built with these is byte for byte the deployed `index.mjs`.
 */
export const esbuildOptions = (
  entry: string,
  outfile: string,
  bundling: LambdaBundling = lambdaBundling,
): BuildOptions => ({
  entryPoints: [entry],
  outfile,
  bundle: true,
  platform: "node",
  format: bundling.format,
  target: bundling.target,
  mainFields: [...bundling.mainFields],
  minify: bundling.minify,
  sourcemap: bundling.sourceMap,
  sourcesContent: bundling.sourcesContent,
  external: [...bundling.externalModules],
  banner: { js: bundling.banner },
  logLevel: "warning",
});
