import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { InvalidPattern, matchesPattern } from "#lib/events/pattern-matcher";

/**
 * Cases from AWS's documentation: "Content filtering in Amazon EventBridge event patterns" and
 * "Comparison operators for use in event patterns in Amazon EventBridge".
 */
const ec2Event = {
  version: "0",
  id: "6a7e8feb-b491-4cf7-a9f1-bf3703467718",
  "detail-type": "EC2 Instance State-change Notification",
  source: "aws.ec2",
  account: "111122223333",
  time: "2017-12-22T18:43:48Z",
  region: "us-west-1",
  resources: ["arn:aws:ec2:us-west-1:123456789012:instance/i-1234567890abcdef0"],
  detail: {
    "instance-id": "i-1234567890abcdef0",
    state: "terminated",
    "c-count": 5,
    "d-count": 3,
    "x-limit": 301.8,
    "source-ip": "10.0.0.123",
    FileName: "image.png",
    FilePath: "/usr/lib/node",
    LastName: "",
    UserID: null,
    location: { city: "Seattle" },
  },
};

const matches = (pattern: Record<string, unknown>, event: unknown = ec2Event) =>
  matchesPattern(pattern, event);

describe("EventBridge pattern matching, as documented", () => {
  it("matches exact values, ANDs fields and ORs the values listed for a field", () => {
    expect(matches({ source: ["aws.ec2"] })).toBe(true);
    expect(
      matches({
        source: ["aws.s3", "aws.ec2"],
        "detail-type": ["EC2 Instance State-change Notification"],
      }),
    ).toBe(true);
    expect(matches({ source: ["aws.ec2"], "detail-type": ["Other"] })).toBe(false);
    expect(matches({ detail: { state: ["running", "terminated"] } })).toBe(true);
  });

  it("matches a value of the same type only: a string is not a number", () => {
    expect(matches({ detail: { "c-count": [5] } })).toBe(true);
    expect(matches({ detail: { "c-count": ["5"] } })).toBe(false);
  });

  it("matches empty strings and null", () => {
    expect(matches({ detail: { LastName: [""] } })).toBe(true);
    expect(matches({ detail: { UserID: [null] } })).toBe(true);
    expect(matches({ detail: { Missing: [null] } })).toBe(false);
  });

  it("prefix, with and without equals-ignore-case", () => {
    expect(matches({ time: [{ prefix: "2017-12-22" }] })).toBe(true);
    expect(matches({ time: [{ prefix: "2018" }] })).toBe(false);
    expect(matches({ source: [{ prefix: { "equals-ignore-case": "AWS.EC" } }] })).toBe(true);
    expect(matches({ source: [{ prefix: "AWS.EC" }] })).toBe(false);
  });

  it("suffix, with and without equals-ignore-case", () => {
    expect(matches({ detail: { FileName: [{ suffix: ".png" }] } })).toBe(true);
    expect(matches({ detail: { FileName: [{ suffix: ".PNG" }] } })).toBe(false);
    expect(matches({ detail: { FileName: [{ suffix: { "equals-ignore-case": ".PNG" } }] } })).toBe(
      true,
    );
  });

  it("equals-ignore-case", () => {
    expect(
      matches({
        "detail-type": [{ "equals-ignore-case": "ec2 instance state-change notification" }],
      }),
    ).toBe(true);
  });

  it("anything-but a value, a list, a prefix, a suffix, ignoring case, a wildcard", () => {
    expect(matches({ detail: { state: [{ "anything-but": "initializing" }] } })).toBe(true);
    expect(matches({ detail: { state: [{ "anything-but": "terminated" }] } })).toBe(false);
    expect(matches({ detail: { "c-count": [{ "anything-but": 123 }] } })).toBe(true);
    expect(matches({ detail: { state: [{ "anything-but": ["stopped", "overloaded"] }] } })).toBe(
      true,
    );
    expect(matches({ detail: { state: [{ "anything-but": ["stopped", "terminated"] }] } })).toBe(
      false,
    );
    expect(matches({ detail: { "c-count": [{ "anything-but": [100, 200, 300] }] } })).toBe(true);
    expect(matches({ detail: { state: [{ "anything-but": { prefix: "init" } }] } })).toBe(true);
    expect(matches({ detail: { state: [{ "anything-but": { prefix: "term" } }] } })).toBe(false);
    expect(matches({ detail: { FileName: [{ "anything-but": { suffix: ".txt" } }] } })).toBe(true);
    expect(matches({ detail: { FileName: [{ "anything-but": { suffix: ".png" } }] } })).toBe(false);
    expect(
      matches({
        detail: {
          state: [{ "anything-but": { "equals-ignore-case": ["Stopped", "OverLoaded"] } }],
        },
      }),
    ).toBe(true);
    expect(
      matches({ detail: { state: [{ "anything-but": { "equals-ignore-case": "TERMINATED" } }] } }),
    ).toBe(false);
    expect(matches({ detail: { FilePath: [{ "anything-but": { wildcard: "*/lib/*" } }] } })).toBe(
      false,
    );
    expect(matches({ detail: { FilePath: [{ "anything-but": { wildcard: "*/bin/*" } }] } })).toBe(
      true,
    );
  });

  it("anything-but does not match a field the event lacks", () => {
    expect(matches({ detail: { missing: [{ "anything-but": "x" }] } })).toBe(false);
  });

  it("numeric ranges", () => {
    expect(
      matches({
        detail: {
          "c-count": [{ numeric: [">", 0, "<=", 5] }],
          "d-count": [{ numeric: ["<", 10] }],
          "x-limit": [{ numeric: ["=", 3.018e2] }],
        },
      }),
    ).toBe(true);
    expect(matches({ detail: { "c-count": [{ numeric: [">", 5] }] } })).toBe(false);
    expect(matches({ detail: { state: [{ numeric: [">", 0] }] } })).toBe(false);
  });

  it("IP address ranges (cidr)", () => {
    expect(matches({ detail: { "source-ip": [{ cidr: "10.0.0.0/24" }] } })).toBe(true);
    expect(matches({ detail: { "source-ip": [{ cidr: "10.0.1.0/24" }] } })).toBe(false);
  });

  it("exists true and false, on leaf fields only", () => {
    expect(matches({ detail: { state: [{ exists: true }] } })).toBe(true);
    expect(matches({ detail: { "no-such-field": [{ exists: false }] } })).toBe(true);
    expect(matches({ detail: { state: [{ exists: false }] } })).toBe(false);
    expect(matches({ detail: { "no-such-field": [{ exists: true }] } })).toBe(false);
    // An object is not a leaf.
    expect(matches({ detail: { location: [{ exists: true }] } })).toBe(false);
  });

  it("wildcards, with an escaped star", () => {
    expect(matches({ resources: [{ wildcard: "arn:aws:ec2:us-west-1:*:instance/*" }] })).toBe(true);
    expect(matches({ resources: [{ wildcard: "arn:aws:s3:*" }] })).toBe(false);
    expect(matchesPattern({ name: [{ wildcard: "a\\*b" }] }, { name: "a*b" })).toBe(true);
    expect(matchesPattern({ name: [{ wildcard: "a\\*b" }] }, { name: "axxb" })).toBe(false);
  });

  it("$or, at the top and nested", () => {
    expect(
      matches({
        detail: {
          $or: [
            { "c-count": [{ numeric: [">", 0, "<=", 5] }] },
            { "d-count": [{ numeric: ["<", 10] }] },
            { "x-limit": [{ numeric: ["=", 3.018e2] }] },
          ],
        },
      }),
    ).toBe(true);
    expect(
      matches({
        source: ["aws.ec2"],
        $or: [{ "detail-type": ["nope"] }, { detail: { state: ["terminated"] } }],
      }),
    ).toBe(true);
    expect(matches({ $or: [{ source: ["a"] }, { source: ["b"] }] })).toBe(false);
  });

  it("matches an array in the event when any element matches", () => {
    expect(
      matches({
        resources: ["arn:aws:ec2:us-west-1:123456789012:instance/i-1234567890abcdef0", "other"],
      }),
    ).toBe(true);
    expect(matchesPattern({ tags: ["vip"] }, { tags: ["new", "vip"] })).toBe(true);
    expect(matchesPattern({ tags: ["vip"] }, { tags: [] })).toBe(false);
    expect(matchesPattern({ items: { sku: ["b"] } }, { items: [{ sku: "a" }, { sku: "b" }] })).toBe(
      true,
    );
  });

  it("matches nested objects", () => {
    expect(matches({ detail: { location: { city: ["Seattle"] } } })).toBe(true);
    expect(matches({ detail: { location: { city: ["Paris"] } } })).toBe(false);
  });

  it("refuses malformed patterns instead of guessing", () => {
    expect(() => matchesPattern({ source: "crm" }, ec2Event)).toThrow(InvalidPattern);
    expect(() => matchesPattern({ source: [{ regex: "x" }] }, ec2Event)).toThrow(InvalidPattern);
    expect(() => matchesPattern({ source: [] }, ec2Event)).toThrow(InvalidPattern);
    expect(() => matchesPattern({}, ec2Event)).toThrow(InvalidPattern);
  });
});

describe("pattern matching properties", () => {
  const value = fc.oneof(fc.string(), fc.integer(), fc.boolean(), fc.constant(null));

  it("an exact value matches itself and anything-but of it never does", () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), value, (key, v) => {
        const event = { [key]: v };
        expect(matchesPattern({ [key]: [v] }, event)).toBe(true);
        expect(matchesPattern({ [key]: [{ "anything-but": v }] }, event)).toBe(false);
      }),
    );
  });

  it("prefix and suffix agree with String.startsWith and endsWith", () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (text, affix) => {
        expect(matchesPattern({ f: [{ prefix: affix }] }, { f: text })).toBe(
          text.startsWith(affix),
        );
        expect(matchesPattern({ f: [{ suffix: affix }] }, { f: text })).toBe(text.endsWith(affix));
        expect(matchesPattern({ f: [{ "anything-but": { prefix: affix } }] }, { f: text })).toBe(
          !text.startsWith(affix),
        );
      }),
    );
  });

  it("a numeric range agrees with the comparison", () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true }), fc.double({ noNaN: true }), (n, bound) => {
        expect(matchesPattern({ n: [{ numeric: [">=", bound] }] }, { n })).toBe(n >= bound);
        expect(matchesPattern({ n: [{ numeric: ["<", bound] }] }, { n })).toBe(n < bound);
      }),
    );
  });

  it("a wildcard without stars is an exact match, and * alone matches every string", () => {
    fc.assert(
      fc.property(
        fc.string().filter((s) => !s.includes("*") && !s.includes("\\")),
        fc.string(),
        (w, text) => {
          expect(matchesPattern({ f: [{ wildcard: w }] }, { f: text })).toBe(w === text);
          expect(matchesPattern({ f: [{ wildcard: "*" }] }, { f: text })).toBe(true);
        },
      ),
    );
  });

  it("$or is the disjunction of its patterns, and exists:false the negation of exists:true", () => {
    fc.assert(
      fc.property(value, value, fc.option(value, { nil: undefined }), (a, b, v) => {
        const event = v === undefined ? {} : { f: v };
        const either = matchesPattern({ $or: [{ f: [a] }, { f: [b] }] }, event);
        expect(either).toBe(matchesPattern({ f: [a] }, event) || matchesPattern({ f: [b] }, event));
        expect(matchesPattern({ f: [{ exists: false }] }, event)).toBe(
          !matchesPattern({ f: [{ exists: true }] }, event),
        );
      }),
    );
  });
});
