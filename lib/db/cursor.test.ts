import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decodeCursor, encodeCursor } from "#lib/db/cursor";
import { DomainError } from "#lib/errors/domain-error";

const partition = { attribute: "gsi1pk", value: "contact#tag#vip" };
const key = { pk: "contact#con_1", sk: "tag#vip", gsi1pk: "contact#tag#vip", gsi1sk: "ada#con_1" };

describe("list cursors", () => {
  it("round-trips the resume key of the same list", () => {
    const cursor = encodeCursor(key, "gsi1|contact#tag#vip|");
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(cursor ?? undefined, "gsi1|contact#tag#vip|", partition)).toEqual(key);
  });

  it("is null when there is no next page, and absent input decodes to no key", () => {
    expect(encodeCursor(undefined, "x")).toBeNull();
    expect(decodeCursor(undefined, "x", partition)).toBeUndefined();
  });

  it("refuses a cursor issued for another list", () => {
    const cursor = encodeCursor(key, "gsi1|contact#tag#vip|") as string;
    expect(() => decodeCursor(cursor, "gsi1|contact#tag#other|", partition)).toThrow(DomainError);
  });

  it("refuses a cursor edited to start in another partition", () => {
    const forged = Buffer.from(
      JSON.stringify({
        k: { ...key, gsi1pk: "contact#tag#secret" },
        s: JSON.parse(Buffer.from(encodeCursor(key, "s") as string, "base64url").toString()).s,
      }),
    ).toString("base64url");
    expect(() => decodeCursor(forged, "s", partition)).toThrow(
      /malformed or belongs to another list/,
    );
  });

  it("refuses any random string with a 400 domain error, never another failure", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (garbage) => {
        try {
          decodeCursor(garbage, "scope", partition);
          return false;
        } catch (error) {
          return error instanceof DomainError && error.kind === "invalid";
        }
      }),
    );
  });
});
