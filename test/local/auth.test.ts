import { mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type CryptoKey, decodeProtectedHeader, generateKeyPair, SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseRoles } from "#lib/auth/principal";
import {
  apiGatewayClaimValue,
  bearerChallenge,
  LOCAL_AUDIENCE,
  LOCAL_ISSUER,
  type LocalSigningKey,
  loadSigningKey,
  mintToken,
  SIGNING_KEY_FILE,
  scopesOf,
  verifyAuthorization,
} from "#local/auth";

let dataDir: string;
let key: LocalSigningKey;
const now = () => Math.floor(Date.now() / 1000);

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "crm-auth-"));
  key = await loadSigningKey(dataDir);
});

afterAll(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

/** A token with our key but any claims and header, for the negative cases. */
const signed = (
  claims: Record<string, unknown>,
  options: { kid?: string; privateKey?: CryptoKey } = {},
) =>
  new SignJWT(claims)
    .setProtectedHeader({ alg: "ES256", kid: options.kid ?? key.kid })
    .sign(options.privateKey ?? key.privateKey);

const validClaims = () => ({
  iss: LOCAL_ISSUER,
  aud: LOCAL_AUDIENCE,
  sub: "alice",
  iat: now(),
  exp: now() + 600,
  "cognito:groups": ["sales"],
});

describe("the local signing key", () => {
  it("is made once, kept private on disk and reused", async () => {
    // Act
    const again = await loadSigningKey(dataDir);
    const file = join(dataDir, SIGNING_KEY_FILE);
    // Assess
    expect(again.kid).toBe(key.kid);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(JSON.parse(await readFile(file, "utf8"))).toMatchObject({
      kty: "EC",
      crv: "P-256",
      alg: "ES256",
    });
  });

  it("comes out the same when several processes make it at once", async () => {
    const fresh = await mkdtemp(join(tmpdir(), "crm-auth-race-"));
    try {
      const keys = await Promise.all(Array.from({ length: 5 }, () => loadSigningKey(fresh)));
      expect(new Set(keys.map((k) => k.kid)).size).toBe(1);
    } finally {
      await rm(fresh, { recursive: true, force: true });
    }
  });

  it("fails with a clear message when the file is damaged", async () => {
    const broken = await mkdtemp(join(tmpdir(), "crm-auth-broken-"));
    try {
      await writeFile(join(broken, SIGNING_KEY_FILE), "{not json");
      await expect(loadSigningKey(broken)).rejects.toThrow(/unreadable; delete it/);
    } finally {
      await rm(broken, { recursive: true, force: true });
    }
  });
});

describe("token verification, as API Gateway's JWT authorizer", () => {
  it("accepts a minted token and hands the claims over in API Gateway's shape", async () => {
    // Prepare
    const token = await mintToken(key, {
      userId: "alice",
      roles: ["admin", "sales"],
      ttlSeconds: 60,
    });
    // Act
    const result = await verifyAuthorization(`Bearer ${token}`, key);
    // Assess
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(decodeProtectedHeader(token)).toMatchObject({ alg: "ES256", kid: key.kid, typ: "JWT" });
    expect(result.authorizer.jwt.claims).toMatchObject({
      sub: "alice",
      iss: LOCAL_ISSUER,
      aud: LOCAL_AUDIENCE,
      "cognito:groups": "[admin sales]",
    });
    expect(typeof result.authorizer.jwt.claims.exp).toBe("string");
    expect(result.authorizer.jwt.scopes).toBeNull();
    expect(parseRoles(result.authorizer.jwt.claims["cognito:groups"])).toEqual(["admin", "sales"]);
  });

  it("accepts the token without the Bearer prefix and with any case of it", async () => {
    const token = await mintToken(key, { userId: "bob", roles: ["support"], ttlSeconds: 60 });
    expect((await verifyAuthorization(token, key)).ok).toBe(true);
    expect((await verifyAuthorization(`bearer   ${token}`, key)).ok).toBe(true);
  });

  it("accepts client_id in place of a missing aud, as for Cognito access tokens", async () => {
    const { aud: _aud, ...claims } = validClaims();
    const token = await signed({ ...claims, client_id: LOCAL_AUDIENCE });
    expect((await verifyAuthorization(token, key)).ok).toBe(true);
  });

  it("accepts a token expired within the small clock tolerance", async () => {
    const token = await signed({ ...validClaims(), exp: now() - 2 });
    expect((await verifyAuthorization(token, key)).ok).toBe(true);
  });

  const refusals: [string, () => Promise<string>, RegExp][] = [
    ["expired", () => signed({ ...validClaims(), iat: now() - 120, exp: now() - 60 }), /expired/],
    [
      "minted expired",
      () =>
        mintToken(key, { userId: "a", roles: ["admin"], ttlSeconds: 60, issuedAt: now() - 3600 }),
      /expired/,
    ],
    ["not yet valid", () => signed({ ...validClaims(), nbf: now() + 60 }), /not valid yet/],
    ["issued in the future", () => signed({ ...validClaims(), iat: now() + 60 }), /future/],
    ["without exp", () => signed({ ...validClaims(), exp: undefined }), /exp/],
    [
      "of another issuer",
      () => signed({ ...validClaims(), iss: "https://evil.example" }),
      /issuer/,
    ],
    ["without issuer", () => signed({ ...validClaims(), iss: undefined }), /issuer/],
    ["for another audience", () => signed({ ...validClaims(), aud: "other-api" }), /audience/],
    ["without audience", () => signed({ ...validClaims(), aud: undefined }), /audience/],
    [
      "with a forged signature",
      async () => {
        const [header, , signature] = (await signed(validClaims())).split(".");
        const payload = Buffer.from(
          JSON.stringify({ ...validClaims(), "cognito:groups": ["admin"] }),
        ).toString("base64url");
        return `${header}.${payload}.${signature}`;
      },
      /signature/,
    ],
    [
      "signed by another key that claims our kid",
      async () => {
        const other = await generateKeyPair("ES256");
        return signed(validClaims(), { privateKey: other.privateKey });
      },
      /signature/,
    ],
    [
      "signed by another key",
      async () => {
        const other = await generateKeyPair("ES256");
        return signed(validClaims(), { privateKey: other.privateKey, kid: "other" });
      },
      /known key/,
    ],
    [
      "with another algorithm",
      async () => {
        const hmac = new TextEncoder().encode("a-shared-secret-that-is-long-enough");
        return new SignJWT(validClaims())
          .setProtectedHeader({ alg: "HS256", kid: key.kid })
          .sign(hmac);
      },
      /algorithm/,
    ],
    [
      "unsigned (alg none)",
      async () => {
        const part = (v: unknown) => Buffer.from(JSON.stringify(v)).toString("base64url");
        return `${part({ alg: "none", kid: key.kid })}.${part(validClaims())}.`;
      },
      /malformed/,
    ],
    ["that is not a JWT", async () => "not-a-token", /malformed/],
    ["with garbage segments", async () => "a.b.c", /malformed/],
  ];

  it.each(refusals)("refuses a token %s", async (_name, make, description) => {
    // Act
    const result = await verifyAuthorization(`Bearer ${await make()}`, key);
    // Assess
    expect(result).toMatchObject({ ok: false, reason: "invalid" });
    if (result.ok) return;
    expect(result.description).toMatch(description);
    expect(bearerChallenge(result)).toMatch(/^Bearer error="invalid_token", error_description="/);
  });

  it.each([undefined, "", "   "])(
    "refuses a missing token (%j) with a bare challenge",
    async (header) => {
      const result = await verifyAuthorization(header, key);
      expect(result).toMatchObject({ ok: false, reason: "missing" });
      if (!result.ok) expect(bearerChallenge(result)).toBe("Bearer");
    },
  );

  it("refuses a malformed Authorization header", async () => {
    const token = await mintToken(key, { userId: "a", roles: ["admin"], ttlSeconds: 60 });
    for (const header of [
      "Bearer",
      `Basic ${token}x`,
      `Bearer ${token} extra`,
      "Basic dXNlcjpwYXNz",
    ]) {
      expect(await verifyAuthorization(header, key), header).toMatchObject({
        ok: false,
        reason: "invalid",
      });
    }
  });
});

describe("claims in API Gateway's shape", () => {
  it("prints values the way API Gateway does", () => {
    expect(apiGatewayClaimValue("x")).toBe("x");
    expect(apiGatewayClaimValue(1700000000)).toBe("1700000000");
    expect(apiGatewayClaimValue(true)).toBe("true");
    expect(apiGatewayClaimValue(["admin", "sales"])).toBe("[admin sales]");
    expect(apiGatewayClaimValue([])).toBe("[]");
    expect(apiGatewayClaimValue({ b: 1, a: ["x"] })).toBe("map[a:[x] b:1]");
  });

  it("reads scopes from scope or scp", () => {
    expect(scopesOf({ scope: "crm/read crm/write" })).toEqual(["crm/read", "crm/write"]);
    expect(scopesOf({ scp: ["crm/read"] })).toEqual(["crm/read"]);
    expect(scopesOf({})).toBeNull();
  });
});
