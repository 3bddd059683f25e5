import { createHash, randomBytes, timingSafeEqual } from "node:crypto";

/**
 * Survey tokens: `<surveyId>.<secret>`, where the secret is 256 random bits (base64url). The
 * survey id says which survey to read (one GetItem); the secret proves the caller was sent the
 * link. Only the secret's SHA-256 is stored, so the table (and its backups) cannot answer a
 * survey; a hash of 256 random bits needs no salt or slow hashing to resist guessing.
 */
const SECRET_BYTES = 32;
const SURVEY_ID = /^csat_[0-9a-f]{26}$/;
const SECRET = /^[A-Za-z0-9_-]{43}$/;

/**
 * One survey per solving of a ticket: the id is derived from the ticket and the version that
 * solved it, so a redelivered `ticket.solved` finds its survey instead of issuing a second one.
 */
export const surveyIdOf = (ticketId: string, solvedVersion: number): string =>
  `csat_${createHash("sha256").update(`${ticketId}#${solvedVersion}`).digest("hex").slice(0, 26)}`;

export const newSecret = (): string => randomBytes(SECRET_BYTES).toString("base64url");

export const hashOf = (secret: string): string =>
  createHash("sha256").update(secret, "utf8").digest("hex");

export const tokenOf = (surveyId: string, secret: string): string => `${surveyId}.${secret}`;

/** The parts of a well-formed token; undefined for anything else. */
export const parseToken = (
  token: string,
): { readonly surveyId: string; readonly secret: string } | undefined => {
  const [surveyId, secret, ...rest] = token.split(".");
  if (rest.length > 0 || !surveyId || !secret) return undefined;
  return SURVEY_ID.test(surveyId) && SECRET.test(secret) ? { surveyId, secret } : undefined;
};

/** Whether `secret` is the one whose hash was stored, in time independent of where they differ. */
export const secretMatches = (secret: string, storedHash: string): boolean => {
  const expected = Buffer.from(storedHash, "hex");
  const actual = createHash("sha256").update(secret, "utf8").digest();
  return expected.length === actual.length && timingSafeEqual(expected, actual);
};
