import { describe, expect, it } from "vitest";
import { keyOfSecret, secretOf, sign, signedHeaders, verify } from "#lib/webhooks/signature";

// The Standard Webhooks reference vector (used by its libraries' own tests), so a receiver
// using any of those libraries verifies our signatures.
const vector = {
  secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
  id: "msg_p5jXN8AQM9LWM0D4loKWxJek",
  timestamp: 1614265330,
  body: '{"test": 2432232314}',
  signature: "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
};

describe("signing", () => {
  it("matches the Standard Webhooks reference signature", () => {
    expect(sign(keyOfSecret(vector.secret), vector.id, vector.timestamp, vector.body)).toBe(
      vector.signature,
    );
  });

  it("round-trips a key through its whsec_ secret", () => {
    const key = Buffer.from("0123456789abcdef0123456789abcdef");
    expect(keyOfSecret(secretOf(key))).toEqual(key);
  });

  it("signs with every key in force, space-separated, newest first", () => {
    const [current, previous] = [Buffer.from("a".repeat(32)), Buffer.from("b".repeat(32))];
    const headers = signedHeaders([current, previous], "evt", 1700000000, "{}");
    expect(headers["webhook-signature"].split(" ")).toEqual([
      sign(current, "evt", 1700000000, "{}"),
      sign(previous, "evt", 1700000000, "{}"),
    ]);
    expect(headers["webhook-id"]).toBe("evt");
    expect(headers["webhook-timestamp"]).toBe("1700000000");
  });
});

describe("verifying, as a receiver does", () => {
  const headers = {
    id: vector.id,
    timestamp: String(vector.timestamp),
    signature: vector.signature,
  };

  it("accepts the reference message within the replay window", () => {
    expect(verify(vector.secret, headers, vector.body, vector.timestamp + 299)).toBe("valid");
  });

  it("accepts a message carrying several signatures when one matches", () => {
    const signature = `v1,AAAA ${vector.signature}`;
    expect(verify(vector.secret, { ...headers, signature }, vector.body, vector.timestamp)).toBe(
      "valid",
    );
  });

  it("refuses a changed body, id or timestamp", () => {
    expect(verify(vector.secret, headers, '{"test": 1}', vector.timestamp)).toBe("bad_signature");
    expect(
      verify(vector.secret, { ...headers, id: "msg_other" }, vector.body, vector.timestamp),
    ).toBe("bad_signature");
    const later = String(vector.timestamp + 1);
    expect(
      verify(vector.secret, { ...headers, timestamp: later }, vector.body, vector.timestamp),
    ).toBe("bad_signature");
  });

  it("refuses messages older or newer than five minutes", () => {
    expect(verify(vector.secret, headers, vector.body, vector.timestamp + 301)).toBe("stale");
    expect(verify(vector.secret, headers, vector.body, vector.timestamp - 301)).toBe("stale");
  });

  it("refuses missing or malformed headers", () => {
    expect(verify(vector.secret, { ...headers, signature: undefined }, vector.body)).toBe(
      "malformed",
    );
    expect(verify(vector.secret, { ...headers, timestamp: "soon" }, vector.body)).toBe("malformed");
  });
});
