import { randomUUID } from "node:crypto";
import { link, mkdir, readFile, unlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { APIGatewayEventRequestContextJWTAuthorizer } from "aws-lambda";
import {
  type CryptoKey,
  calculateJwkThumbprint,
  errors,
  exportJWK,
  generateKeyPair,
  importJWK,
  type JWK,
  type JWTPayload,
  jwtVerify,
  SignJWT,
} from "jose";
import { rolesClaim } from "#lib/auth/principal";
import type { Role } from "#lib/auth/roles";
import { StartupError } from "#local/startup-error";

/**
 * The local stand-in for API Gateway's JWT authorizer. In AWS the issuer and audience come from
 * the customer's identity provider; locally they are fixed, and the key is one ES256 key pair
 * made on first run and kept in the data folder, so tokens survive a restart. Verification
 * applies the rules API Gateway documents for JWT authorizers, and the verified claims are
 * handed to the handlers in the shape API Gateway uses, so the handlers cannot tell the two
 * apart.
 */

export const LOCAL_ISSUER = "crm-local";
export const LOCAL_AUDIENCE = "crm-local-api";
/** Pinned: a token that names another algorithm is refused, whatever its signature. */
export const LOCAL_ALGORITHM = "ES256";
/** Tolerated clock difference for exp, nbf and iat, in seconds; kept small, like AWS's. */
export const CLOCK_TOLERANCE_SECONDS = 5;
export const SIGNING_KEY_FILE = "local-signing-key.json";

export interface LocalSigningKey {
  /** The JWK thumbprint of the key; tokens carry it as `kid`, as with any OIDC provider. */
  readonly kid: string;
  readonly privateKey: CryptoKey;
  readonly publicKey: CryptoKey;
  readonly path: string;
}

const unreadableKey = (path: string, cause?: unknown) =>
  new StartupError(
    "signing_key_unreadable",
    `The local signing key ${path} is unreadable; delete it to make a new one (tokens minted with it stop working)`,
    { cause },
  );

const importSigningKey = async (path: string, jwk: JWK): Promise<LocalSigningKey> => {
  if (jwk.kty !== "EC" || jwk.crv !== "P-256" || !jwk.d || !jwk.kid) throw unreadableKey(path);
  const { d: _private, ...publicJwk } = jwk;
  const privateKey = await importJWK(jwk, LOCAL_ALGORITHM);
  const publicKey = await importJWK(publicJwk, LOCAL_ALGORITHM);
  // importJWK returns raw bytes only for symmetric ("oct") keys, which were refused above.
  if (privateKey instanceof Uint8Array || publicKey instanceof Uint8Array) {
    throw unreadableKey(path);
  }
  return { kid: jwk.kid, privateKey, publicKey, path };
};

const readSigningKey = async (path: string): Promise<LocalSigningKey | undefined> => {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
  let jwk: JWK;
  try {
    jwk = JSON.parse(text) as JWK;
  } catch (error) {
    throw unreadableKey(path, error);
  }
  return importSigningKey(path, jwk);
};

/**
 * Loads the signing key from `dataDir`, making it on first use. The server and the token
 * command may both run first at the same moment; the key is written to a temporary file and
 * hard-linked into place, which fails if the other got there first, so both end up with the
 * same key and never read a half-written file.
 */
export const loadSigningKey = async (dataDir: string): Promise<LocalSigningKey> => {
  const path = join(dataDir, SIGNING_KEY_FILE);
  const existing = await readSigningKey(path);
  if (existing) return existing;

  await mkdir(dataDir, { recursive: true });
  const { privateKey } = await generateKeyPair(LOCAL_ALGORITHM, { extractable: true });
  const jwk = await exportJWK(privateKey);
  const kid = await calculateJwkThumbprint(jwk);
  const file = { ...jwk, kid, alg: LOCAL_ALGORITHM, use: "sig" };
  const temporary = `${path}.${process.pid}.${randomUUID()}.tmp`;
  // 0600: the private key lets anyone mint an admin token for this local runtime.
  await writeFile(temporary, `${JSON.stringify(file, null, 2)}\n`, { mode: 0o600 });
  try {
    await link(temporary, path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
  } finally {
    await unlink(temporary);
  }
  const saved = await readSigningKey(path);
  if (!saved) throw unreadableKey(path);
  return saved;
};

export interface TokenRequest {
  /** The `sub` claim: the user the handlers see as the caller. */
  readonly userId: string;
  readonly roles: readonly Role[];
  readonly ttlSeconds: number;
  /** Seconds since the epoch; defaults to now. Tests use it to make expired tokens. */
  readonly issuedAt?: number;
}

/** Mints a token the local authorizer accepts, with the roles in the configured claim. */
export const mintToken = (key: LocalSigningKey, request: TokenRequest): Promise<string> => {
  const issuedAt = request.issuedAt ?? Math.floor(Date.now() / 1000);
  return new SignJWT({ [rolesClaim()]: [...request.roles] })
    .setProtectedHeader({ alg: LOCAL_ALGORITHM, kid: key.kid, typ: "JWT" })
    .setIssuer(LOCAL_ISSUER)
    .setAudience(LOCAL_AUDIENCE)
    .setSubject(request.userId)
    .setIssuedAt(issuedAt)
    .setExpirationTime(issuedAt + request.ttlSeconds)
    .setJti(randomUUID())
    .sign(key.privateKey);
};

/**
 * How API Gateway writes a claim's value into the event: every value becomes a string, and
 * arrays and objects are printed the way its Go runtime prints them, `[admin sales]` and
 * `map[key:value]`. `lib/auth/principal.ts` parses the array form back.
 */
export const apiGatewayClaimValue = (value: unknown): string => {
  if (value === null || value === undefined) return "<nil>";
  if (typeof value === "string") return value;
  if (Array.isArray(value)) return `[${value.map(apiGatewayClaimValue).join(" ")}]`;
  if (typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) =>
      a < b ? -1 : a > b ? 1 : 0,
    );
    return `map[${entries.map(([k, v]) => `${k}:${apiGatewayClaimValue(v)}`).join(" ")}]`;
  }
  return String(value);
};

/** OAuth scopes, from `scope` (space separated) or `scp` (a list); null when there are none. */
export const scopesOf = (claims: JWTPayload): string[] | null => {
  const raw = claims.scope ?? claims.scp;
  const scopes = Array.isArray(raw)
    ? raw.map(String)
    : typeof raw === "string"
      ? raw.split(" ").filter((s) => s.length > 0)
      : [];
  return scopes.length > 0 ? scopes : null;
};

/** `requestContext.authorizer` as API Gateway fills it in for a JWT authorizer. */
export const toJwtAuthorizer = (
  claims: JWTPayload,
): APIGatewayEventRequestContextJWTAuthorizer => ({
  principalId: "",
  integrationLatency: 0,
  jwt: {
    claims: Object.fromEntries(
      Object.entries(claims).map(([name, value]) => [name, apiGatewayClaimValue(value)]),
    ),
    scopes: scopesOf(claims),
  },
});

export type AuthFailureReason = "missing" | "invalid";

export interface AuthFailure {
  readonly ok: false;
  /** `missing`: no token at all; `invalid`: a token that failed a check. */
  readonly reason: AuthFailureReason;
  /** Why, in the words of RFC 6750's error_description; safe to show the caller. */
  readonly description: string;
}

export interface AuthSuccess {
  readonly ok: true;
  readonly claims: JWTPayload;
  readonly authorizer: APIGatewayEventRequestContextJWTAuthorizer;
}

const invalid = (description: string): AuthFailure => ({
  ok: false,
  reason: "invalid",
  description,
});

const describeFailure = (error: unknown): string => {
  if (error instanceof errors.JWTExpired) return "the token has expired";
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.claim === "iss") return "the token's issuer is not accepted";
    if (error.claim === "nbf") return "the token is not valid yet";
    return `the token's ${error.claim} claim is not valid`;
  }
  if (error instanceof errors.JOSEAlgNotAllowed) return "the token's algorithm is not accepted";
  if (error instanceof errors.JWKSNoMatchingKey) return "the token was not signed by a known key";
  if (error instanceof errors.JWSSignatureVerificationFailed)
    return "the token's signature is invalid";
  return "the token is malformed";
};

/**
 * Checks an `Authorization` header the way API Gateway's JWT authorizer does: the token may
 * come bare or after `Bearer`; its `kid` must name our key and its algorithm must be ES256; the
 * signature must verify; `exp` is required and must be in the future, `nbf` and `iat` must not
 * be; `iss` must be ours; and `aud` must contain our audience, or, when a token has no `aud`,
 * `client_id` must equal it (Cognito access tokens carry `client_id`).
 */
export const verifyAuthorization = async (
  header: string | undefined,
  key: LocalSigningKey,
  now: Date = new Date(),
): Promise<AuthSuccess | AuthFailure> => {
  const value = header?.trim() ?? "";
  if (value === "")
    return { ok: false, reason: "missing", description: "no bearer token was sent" };
  const token = /^bearer\s+/i.test(value) ? value.replace(/^bearer\s+/i, "") : value;
  if (!/^[\w-]+\.[\w-]+\.[\w-]+$/.test(token)) return invalid("the token is malformed");

  let claims: JWTPayload;
  try {
    ({ payload: claims } = await jwtVerify(
      token,
      (protectedHeader) => {
        if (protectedHeader.kid !== key.kid) throw new errors.JWKSNoMatchingKey();
        return key.publicKey;
      },
      {
        algorithms: [LOCAL_ALGORITHM],
        issuer: LOCAL_ISSUER,
        requiredClaims: ["exp"],
        clockTolerance: CLOCK_TOLERANCE_SECONDS,
        currentDate: now,
      },
    ));
  } catch (error) {
    return invalid(describeFailure(error));
  }

  const nowSeconds = Math.floor(now.getTime() / 1000);
  if (typeof claims.iat === "number" && claims.iat > nowSeconds + CLOCK_TOLERANCE_SECONDS) {
    return invalid("the token was issued in the future");
  }
  const audiences = claims.aud === undefined ? [] : [claims.aud].flat();
  const accepted =
    claims.aud === undefined
      ? claims.client_id === LOCAL_AUDIENCE
      : audiences.includes(LOCAL_AUDIENCE);
  if (!accepted) return invalid("the token's audience is not accepted");

  return { ok: true, claims, authorizer: toJwtAuthorizer(claims) };
};

/** The `www-authenticate` challenge for a refused request (RFC 6750, section 3). */
export const bearerChallenge = (failure: AuthFailure): string =>
  failure.reason === "missing"
    ? "Bearer"
    : `Bearer error="invalid_token", error_description="${failure.description.replace(/"/g, "'")}"`;
