import { describe, expect, it } from "vitest";
import { csatConfig, surveyLinkOf } from "#lib/csat/config";
import { hashOf, newSecret, parseToken, secretMatches, surveyIdOf, tokenOf } from "#lib/csat/token";

describe("survey tokens", () => {
  it("are a survey id and 256 random bits, URL-safe, and never repeat", () => {
    const surveyId = surveyIdOf("tkt_01JD7QG5H6J7K8M9N0P1Q2R3S4", 4);
    const secrets = new Set(Array.from({ length: 200 }, newSecret));
    expect(secrets.size).toBe(200);
    for (const secret of secrets) {
      const token = tokenOf(surveyId, secret);
      expect(token).toMatch(/^csat_[0-9a-f]{26}\.[A-Za-z0-9_-]{43}$/);
      expect(parseToken(token)).toEqual({ surveyId, secret });
    }
  });

  it("derive one survey id per solving of a ticket", () => {
    const ticket = "tkt_01JD7QG5H6J7K8M9N0P1Q2R3S4";
    expect(surveyIdOf(ticket, 4)).toBe(surveyIdOf(ticket, 4));
    expect(surveyIdOf(ticket, 4)).not.toBe(surveyIdOf(ticket, 6));
    expect(surveyIdOf(ticket, 4)).not.toBe(surveyIdOf("tkt_01JD7QG5H6J7K8M9N0P1Q2R3S5", 4));
  });

  it("match their stored hash only with the very secret", () => {
    const secret = newSecret();
    const stored = hashOf(secret);
    expect(secretMatches(secret, stored)).toBe(true);
    expect(secretMatches(newSecret(), stored)).toBe(false);
    expect(secretMatches(`${secret.slice(0, -1)}x`, stored)).toBe(false);
    expect(secretMatches(secret, "")).toBe(false);
    expect(secretMatches(secret, "zz")).toBe(false);
  });

  it("refuse anything that is not exactly a token", () => {
    const token = tokenOf(surveyIdOf("tkt_1", 2), newSecret());
    for (const bad of [
      "",
      ".",
      token.split(".")[0] ?? "",
      `${token}.`,
      `${token}.extra`,
      token.replace("csat_", "task_"),
      `${token.slice(0, -1)}=`,
      `${token}A`,
      ` ${token}`,
    ]) {
      expect(parseToken(bad), bad).toBeUndefined();
    }
  });
});

describe("the CSAT configuration", () => {
  it("defaults to 14 days and no survey page, and refuses what cannot work", () => {
    expect(csatConfig(undefined)).toEqual({ expiryDays: 14 });
    expect(csatConfig('{"expiryDays":3,"surveyUrl":"https://help.example.com/s/{token}"}')).toEqual(
      { expiryDays: 3, surveyUrl: "https://help.example.com/s/{token}" },
    );
    expect(() => csatConfig("{")).toThrow(/not JSON/);
    expect(() => csatConfig('{"expiryDays":0}')).toThrow(/expiryDays/);
    expect(() => csatConfig('{"expiryDays":91}')).toThrow(/expiryDays/);
    expect(() => csatConfig('{"expiryDays":3,"surveyUrl":"https://help.example.com/s"}')).toThrow(
      /\{token\}/,
    );
    expect(() => csatConfig('{"expiryDays":3,"extra":1}')).toThrow(/invalid/);
  });

  it("puts the token into the survey page's link", () => {
    expect(
      surveyLinkOf(
        { expiryDays: 1, surveyUrl: "https://help.example.com/s/{token}?x=1" },
        "csat_a.b-c",
      ),
    ).toBe("https://help.example.com/s/csat_a.b-c?x=1");
    expect(surveyLinkOf({ expiryDays: 1 }, "csat_a.b")).toBeUndefined();
  });
});
