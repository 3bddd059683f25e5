import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { decodeJwt } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadSigningKey, SIGNING_KEY_FILE, verifyAuthorization } from "#local/auth";
import { parseDuration, parsePort, UsageError } from "#local/cli-args";
import { repoRoot } from "#local/data-dir";
import { runScript } from "#test/local/fixtures/run-script";

let dataDir: string;
const env = () => ({ ...process.env, CRM_DATA_DIR: dataDir });
const JWT = /^[\w-]+\.[\w-]+\.[\w-]+\n$/;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "crm-token-"));
});

afterAll(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

describe("npm run token", () => {
  it("prints only a token, signed with the data folder's key, for the role", async () => {
    // Act
    const result = await runScript("local/token.ts", ["--role", "admin"], env());
    // Assess
    expect(result).toMatchObject({ code: 0, stderr: "" });
    expect(result.stdout).toMatch(JWT);
    const verified = await verifyAuthorization(result.stdout.trim(), await loadSigningKey(dataDir));
    expect(verified).toMatchObject({
      ok: true,
      claims: {
        sub: "local-user",
        "cognito:groups": ["admin"],
        iss: "crm-local",
        aud: "crm-local-api",
      },
    });
  });

  it("takes several roles, a user and a lifetime", async () => {
    const result = await runScript(
      "local/token.ts",
      ["--role", "sales", "--role", "read-only", "--user", "alice", "--ttl", "15m"],
      env(),
    );
    expect(result.code).toBe(0);
    const claims = decodeJwt(result.stdout.trim());
    expect(claims).toMatchObject({ sub: "alice", "cognito:groups": ["sales", "read-only"] });
    expect((claims.exp ?? 0) - (claims.iat ?? 0)).toBe(900);
  });

  it("puts the roles in the claim named by ROLES_CLAIM", async () => {
    const result = await runScript("local/token.ts", ["--role", "support"], {
      ...env(),
      ROLES_CLAIM: "roles",
    });
    expect(decodeJwt(result.stdout.trim())).toMatchObject({ roles: ["support"] });
  });

  it.each([
    [["--role", "superuser"], /unknown role "superuser"; roles are admin, sales/],
    [[], /at least one --role is required/],
    [["--role", "admin", "--ttl", "forever"], /--ttl must be a positive duration/],
    [["--role", "admin", "--frobnicate"], /Unknown option '--frobnicate'/],
  ])("refuses %j with a usage error and prints no token", async (args, message) => {
    const result = await runScript("local/token.ts", args, env());
    expect(result.code).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr).toMatch(message);
    expect(result.stderr.split("\n")[0]).toMatch(/^error: /);
  });

  it("fails in one line when the signing key is damaged", async () => {
    const broken = await mkdtemp(join(tmpdir(), "crm-token-broken-"));
    try {
      await writeFile(join(broken, SIGNING_KEY_FILE), "{}");
      const result = await runScript("local/token.ts", ["--role", "admin", "--data-dir", broken]);
      expect(result).toMatchObject({ code: 1, stdout: "" });
      expect(result.stderr).toMatch(
        /^error: The local signing key .* is unreadable; delete it[^\n]*\n$/,
      );
    } finally {
      await rm(broken, { recursive: true, force: true });
    }
  });

  it("works in command substitution through npm run -s", async () => {
    const stdout = await new Promise<string>((resolveRun, reject) => {
      execFile(
        "npm",
        ["run", "-s", "token", "--", "--role", "admin"],
        { cwd: repoRoot, env: env() },
        (error, out) => (error ? reject(error) : resolveRun(out)),
      );
    });
    expect(stdout).toMatch(JWT);
  }, 60_000);
});

describe("command-line values", () => {
  it("parses durations", () => {
    expect(parseDuration("90", "--ttl")).toBe(90);
    expect(parseDuration("90s", "--ttl")).toBe(90);
    expect(parseDuration("15m", "--ttl")).toBe(900);
    expect(parseDuration("1h", "--ttl")).toBe(3600);
    expect(parseDuration("7d", "--ttl")).toBe(604_800);
    for (const bad of ["0", "-1", "1.5h", "1w", ""]) {
      expect(() => parseDuration(bad, "--ttl"), bad).toThrow(UsageError);
    }
  });

  it("parses ports", () => {
    expect(parsePort("3000", "--port")).toBe(3000);
    expect(parsePort("0", "--port")).toBe(0);
    for (const bad of ["65536", "abc", "-1", "30.5", ""]) {
      expect(() => parsePort(bad, "--port"), bad).toThrow(UsageError);
    }
  });
});
