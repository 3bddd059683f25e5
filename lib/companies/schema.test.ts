import { describe, expect, it } from "vitest";
import { createCompanyBody, domain } from "#lib/companies/schema";

describe("company domain", () => {
  it("normalizes URLs and case to a bare host name", () => {
    for (const input of [
      "Example.com",
      "https://www.example.com/",
      "http://example.com/about",
      " EXAMPLE.COM ",
    ]) {
      expect(domain.parse(input)).toBe("example.com");
    }
  });

  it("refuses what is not a domain", () => {
    for (const input of ["localhost", "exa mple.com", "-bad.com", "", "a".repeat(254)]) {
      expect(domain.safeParse(input).success).toBe(false);
    }
  });
});

describe("createCompanyBody", () => {
  it("needs a name and refuses unknown fields", () => {
    expect(createCompanyBody.safeParse({ domain: "example.com" }).success).toBe(false);
    expect(createCompanyBody.safeParse({ name: "Acme", contactCount: 0 }).success).toBe(false);
  });

  it("normalizes the address country and checks the size band", () => {
    expect(createCompanyBody.parse({ name: "Acme", address: { country: "gb" } }).address).toEqual({
      country: "GB",
    });
    expect(createCompanyBody.safeParse({ name: "Acme", size: "huge" }).success).toBe(false);
  });
});
