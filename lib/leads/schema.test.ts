import { describe, expect, it } from "vitest";
import { createLeadBody, updateLeadBody } from "#lib/leads/schema";
import { webFormLeadBody } from "#lib/leads/web-form-schema";

const paths = (result: { error?: { issues: { path: PropertyKey[] }[] } }) =>
  (result.error?.issues ?? []).map((issue) => issue.path.join("."));

describe("createLeadBody", () => {
  it("normalizes details and fills defaults", () => {
    expect(
      createLeadBody.parse({
        firstName: " Grace ",
        email: " Grace@COBOL.example ",
        domain: "https://www.cobol.example/about",
        country: "us",
        source: "event",
      }),
    ).toEqual({
      firstName: "Grace",
      email: "grace@cobol.example",
      domain: "cobol.example",
      country: "US",
      source: "event",
      status: "new",
      optedOut: false,
      customFields: {},
    });
  });

  it("leaves web_form to the public route, and qualified and converted to their operations", () => {
    expect(paths(createLeadBody.safeParse({ email: "a@b.example", source: "web_form" }))).toEqual([
      "source",
    ]);
    for (const status of ["qualified", "converted", "unqualified"]) {
      expect(
        paths(createLeadBody.safeParse({ email: "a@b.example", source: "import", status })),
      ).toEqual(["status"]);
    }
  });

  it("needs someone or some company to be a lead about", () => {
    expect(paths(createLeadBody.safeParse({ source: "import" }))).toEqual(["firstName"]);
    expect(createLeadBody.safeParse({ source: "import", companyName: "Acme" }).success).toBe(true);
  });

  it("refuses server-set fields", () => {
    for (const field of ["score", "id", "version", "conversion", "createdBy"]) {
      expect(
        createLeadBody.safeParse({ email: "a@b.example", source: "import", [field]: 1 }).success,
      ).toBe(false);
    }
  });
});

describe("updateLeadBody", () => {
  it("takes no status or score: those change through their own operations", () => {
    expect(updateLeadBody.safeParse({ status: "qualified" }).success).toBe(false);
    expect(updateLeadBody.safeParse({ score: 90 }).success).toBe(false);
    expect(updateLeadBody.parse({ title: null, optedOut: true })).toEqual({
      title: null,
      optedOut: true,
    });
  });
});

describe("webFormLeadBody", () => {
  const form = { email: "visitor@example.com", consent: true };

  it("accepts an email and a consent, and an empty honeypot", () => {
    expect(webFormLeadBody.parse({ ...form, honeypot: "" })).toEqual({ ...form, honeypot: "" });
  });

  it("refuses a filled honeypot, a missing consent and a bad email", () => {
    expect(paths(webFormLeadBody.safeParse({ ...form, honeypot: "http://spam.example" }))).toEqual([
      "honeypot",
    ]);
    expect(paths(webFormLeadBody.safeParse({ email: "visitor@example.com" }))).toEqual(["consent"]);
    expect(paths(webFormLeadBody.safeParse({ ...form, email: "not an email" }))).toEqual(["email"]);
  });

  it("refuses anything that would steer the CRM, and overlong text", () => {
    for (const field of ["ownerId", "status", "source", "score", "customFields", "optedOut"]) {
      expect(webFormLeadBody.safeParse({ ...form, [field]: "x" }).success, field).toBe(false);
    }
    expect(paths(webFormLeadBody.safeParse({ ...form, message: "x".repeat(2001) }))).toEqual([
      "message",
    ]);
    expect(paths(webFormLeadBody.safeParse({ ...form, firstName: "x".repeat(101) }))).toEqual([
      "firstName",
    ]);
  });
});
