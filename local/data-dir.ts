import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root: `local/` sits directly under it. */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..");

/**
 * Where the local runtime keeps its state (DynamoDB Local's files, the signing key). The server
 * and `npm run token` must agree on it, or the tokens it prints would not verify; both resolve
 * it here: `CRM_DATA_DIR` (relative to the working directory) or `.data` in the repository.
 */
export const resolveDataDir = (explicit?: string): string => {
  const chosen = explicit ?? process.env.CRM_DATA_DIR;
  return chosen ? resolve(chosen) : resolve(repoRoot, ".data");
};
