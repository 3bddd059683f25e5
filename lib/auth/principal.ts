import { isRole, type Role } from "#lib/auth/roles";

/** The authenticated caller, as the route handlers see it. */
export interface Principal {
  /** The token's subject: the user id that owns records and appears as the actor. */
  readonly userId: string;
  readonly roles: readonly Role[];
}

/** Where the roles come from; Cognito puts user pool groups in `cognito:groups`. */
export const rolesClaim = () => process.env.ROLES_CLAIM ?? "cognito:groups";

/**
 * API Gateway's JWT authorizer hands claims over as strings, and flattens an array claim into
 * `"[admin sales]"`. Accept that form, a real array, and a comma or space separated string,
 * so that the same code works behind API Gateway and in the local runtime.
 */
export const parseRoles = (claim: unknown): Role[] => {
  const values = Array.isArray(claim)
    ? claim.map(String)
    : typeof claim === "string"
      ? claim
          .replace(/^\[|\]$/g, "")
          .split(/[\s,]+/)
          .map((value) => value.replace(/^"|"$/g, ""))
      : [];
  return [...new Set(values.filter(isRole))];
};

export const principalFromClaims = (
  claims: Readonly<Record<string, unknown>>,
): Principal | null => {
  const userId = claims.sub;
  if (typeof userId !== "string" || userId.length === 0) return null;
  return { userId, roles: parseRoles(claims[rolesClaim()]) };
};
