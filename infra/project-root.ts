import { resolve } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * The repository root, where `package.json`, the lock file and the function entries live.
 * Resolved from this file rather than the working directory, so that `cdk`, tsx and vitest
 * agree wherever they are started from.
 */
export const projectRoot = resolve(fileURLToPath(new URL("..", import.meta.url)));
