import { describe, expect, it } from "vitest";
import { targetUrlProblem } from "#lib/webhooks/target-url";

describe("webhook target URLs in AWS", () => {
  it.each(["https://hooks.example.com/crm", "https://example.com:8443/a?b=c"])(
    "accepts %s",
    (url) => {
      expect(targetUrlProblem(url, false)).toBeUndefined();
    },
  );

  it.each([
    ["http://hooks.example.com/crm", /https/],
    ["http://localhost:8080/hook", /https/],
    ["ftp://example.com", /https/],
    ["https://localhost/hook", /loopback/],
    ["https://127.0.0.1/hook", /loopback/],
    ["https://10.1.2.3/hook", /private/],
    ["https://192.168.0.10/hook", /private/],
    ["https://172.20.0.1/hook", /private/],
    ["https://169.254.169.254/latest/meta-data", /link-local/],
    ["https://[::1]/hook", /loopback/],
    ["https://[fd00::1]/hook", /private/],
    ["https://[::ffff:127.0.0.1]/hook", /loopback/],
    ["https://user:pass@example.com/hook", /credentials/],
    ["https://example.com/hook#frag", /fragment/],
    ["not a url", /valid/],
  ])("refuses %s", (url, message) => {
    expect(targetUrlProblem(url, false)).toMatch(message);
  });
});

describe("webhook target URLs in the local runtime", () => {
  it.each(["http://localhost:8080/hook", "http://127.0.0.1:9000/", "http://[::1]:9000/"])(
    "accepts %s",
    (url) => {
      expect(targetUrlProblem(url, true)).toBeUndefined();
    },
  );

  it("still refuses http to anything else", () => {
    expect(targetUrlProblem("http://example.com/hook", true)).toMatch(/localhost/);
    expect(targetUrlProblem("http://10.0.0.1/hook", true)).toMatch(/localhost/);
  });
});
