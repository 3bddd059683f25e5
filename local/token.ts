import { parseArgs } from "node:util";
import { isRole, ROLES, type Role } from "#lib/auth/roles";
import { loadSigningKey, mintToken } from "#local/auth";
import { parseDuration, UsageError } from "#local/cli-args";
import { resolveDataDir } from "#local/data-dir";
import { isStartupError } from "#local/startup-error";

/**
 * `npm run token -- --role admin [--role sales] [--user alice] [--ttl 1h]`
 *
 * Prints a development token for the local runtime, and nothing else on standard output, so
 * that `TOKEN=$(npm run -s token -- --role admin)` works. It signs with the same key as the
 * server, found in the same data folder (`--data-dir`, else CRM_DATA_DIR, else `.data`); if the
 * server has not run yet, the key is made here and the server picks it up.
 */

const USAGE = `Usage: npm run -s token -- --role <role> [--role <role>...] [--user <id>] [--ttl <duration>]
  --role      ${ROLES.join(", ")} (repeat for several)
  --user      the token's subject, the caller's user id (default: local-user)
  --ttl       lifetime: 90s, 15m, 1h, 7d (default: 1h)
  --data-dir  where the signing key is (default: CRM_DATA_DIR or .data)`;

const parse = () => {
  const { values } = parseArgs({
    options: {
      role: { type: "string", multiple: true },
      user: { type: "string" },
      ttl: { type: "string" },
      "data-dir": { type: "string" },
      help: { type: "boolean", short: "h" },
    },
    strict: true,
  });
  if (values.help) return undefined;
  const roles = values.role ?? [];
  if (roles.length === 0) throw new UsageError("at least one --role is required");
  const unknown = roles.filter((role) => !isRole(role));
  if (unknown.length > 0) {
    throw new UsageError(
      `unknown role ${unknown.map((r) => `"${r}"`).join(", ")}; roles are ${ROLES.join(", ")}`,
    );
  }
  const userId = values.user ?? "local-user";
  if (userId.trim() === "") throw new UsageError("--user must not be empty");
  return {
    roles: [...new Set(roles)] as Role[],
    userId,
    ttlSeconds: parseDuration(values.ttl ?? "1h", "--ttl"),
    dataDir: resolveDataDir(values["data-dir"]),
  };
};

const main = async () => {
  let request: ReturnType<typeof parse>;
  try {
    request = parse();
  } catch (error) {
    // Ours (UsageError) or parseArgs' own TypeErrors for unknown and malformed options.
    if (!(error instanceof UsageError || error instanceof TypeError)) throw error;
    process.stderr.write(`error: ${error.message}\n${USAGE}\n`);
    process.exitCode = 2;
    return;
  }
  if (!request) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  try {
    const key = await loadSigningKey(request.dataDir);
    process.stdout.write(`${await mintToken(key, request)}\n`);
  } catch (error) {
    if (!isStartupError(error)) throw error;
    process.stderr.write(`error: ${error.message}\n`);
    process.exitCode = 1;
  }
};

await main();
