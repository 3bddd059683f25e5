import { afterEach, describe, expect, it } from "vitest";
import { parseRoles, principalFromClaims } from "#lib/auth/principal";

describe("parseRoles", () => {
  it("reads API Gateway's flattened array claim", () => {
    expect(parseRoles("[admin sales]")).toEqual(["admin", "sales"]);
  });

  it("reads a real array, a comma list and a single role", () => {
    expect(parseRoles(["support", "marketing"])).toEqual(["support", "marketing"]);
    expect(parseRoles("sales, read-only")).toEqual(["sales", "read-only"]);
    expect(parseRoles("admin")).toEqual(["admin"]);
  });

  it("drops unknown roles and duplicates, and ignores non-string claims", () => {
    expect(parseRoles("[superuser admin admin]")).toEqual(["admin"]);
    expect(parseRoles(42)).toEqual([]);
    expect(parseRoles(undefined)).toEqual([]);
    expect(parseRoles("")).toEqual([]);
  });
});

describe("principalFromClaims", () => {
  afterEach(() => {
    delete process.env.ROLES_CLAIM;
  });

  it("takes the user from sub and the roles from cognito:groups by default", () => {
    expect(principalFromClaims({ sub: "u1", "cognito:groups": "[sales]" })).toEqual({
      userId: "u1",
      roles: ["sales"],
    });
  });

  it("reads roles from the claim named by ROLES_CLAIM", () => {
    process.env.ROLES_CLAIM = "roles";
    expect(
      principalFromClaims({ sub: "u1", roles: "[support]", "cognito:groups": "[admin]" })?.roles,
    ).toEqual(["support"]);
  });

  it("refuses claims without a subject", () => {
    expect(principalFromClaims({ "cognito:groups": "[admin]" })).toBeNull();
    expect(principalFromClaims({ sub: "" })).toBeNull();
    expect(principalFromClaims({ sub: 7 })).toBeNull();
  });
});
