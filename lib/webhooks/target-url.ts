import { isIP } from "node:net";

/**
 * Which URLs a subscription may deliver to.
 *
 * In AWS: https only, and never to a loopback, private, link-local or otherwise internal address
 * written as an IP literal or as `localhost`, so that a subscription cannot be used to make the
 * dispatcher call into its own network. (A public host name that resolves to a private address is
 * not caught here; the dispatcher runs outside any VPC, so there is nothing private to reach.)
 *
 * In the local runtime, which sets `WEBHOOK_ALLOW_HTTP_LOOPBACK=true`, plain http to localhost,
 * 127.0.0.1 and [::1] is allowed too, so that a receiver on the developer's machine can be used.
 */
export const MAX_URL_LENGTH = 2048;

export const loopbackHttpAllowed = (env: NodeJS.ProcessEnv = process.env) =>
  env.WEBHOOK_ALLOW_HTTP_LOOPBACK === "true";

const LOOPBACK_NAMES = new Set(["localhost", "127.0.0.1", "[::1]"]);

const isInternalIPv4 = (address: string): boolean => {
  const [a = 0, b = 0] = address.split(".").map(Number);
  return (
    a === 0 ||
    a === 10 ||
    a === 127 ||
    (a === 100 && b >= 64 && b <= 127) ||
    (a === 169 && b === 254) ||
    (a === 172 && b >= 16 && b <= 31) ||
    (a === 192 && b === 168) ||
    a >= 224
  );
};

const isInternalIPv6 = (address: string): boolean => {
  const lower = address.toLowerCase();
  if (lower === "::" || lower === "::1") return true;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(lower);
  if (mapped?.[1]) return isInternalIPv4(mapped[1]);
  // Unique local (fc00::/7), link-local (fe80::/10), multicast (ff00::/8), and the URL parser's
  // hex form of IPv4-mapped addresses (::ffff:7f00:1), which is refused outright.
  return /^(?:f[cd]|fe[89ab]|ff)/.test(lower) || lower.startsWith("::ffff:");
};

const isInternalHost = (hostname: string): boolean => {
  const bare = hostname.replace(/^\[|\]$/g, "");
  if (hostname === "localhost" || hostname.endsWith(".localhost")) return true;
  if (isIP(bare) === 4) return isInternalIPv4(bare);
  if (isIP(bare) === 6) return isInternalIPv6(bare);
  return false;
};

/** Why `raw` cannot be a delivery target, or undefined when it can. */
export const targetUrlProblem = (raw: string, allowLoopbackHttp: boolean): string | undefined => {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return "Not a valid absolute URL";
  }
  if (url.username || url.password) return "The URL must not carry credentials";
  if (url.hash) return "The URL must not have a fragment";
  const loopback = LOOPBACK_NAMES.has(url.hostname);
  if (url.protocol === "http:") {
    if (allowLoopbackHttp && loopback) return undefined;
    return allowLoopbackHttp
      ? "Use https, or http to localhost, 127.0.0.1 or [::1] in the local runtime"
      : "The URL must use https";
  }
  if (url.protocol !== "https:") return "The URL must use https";
  if (isInternalHost(url.hostname) && !(allowLoopbackHttp && loopback)) {
    return "The URL must not point at a loopback, private or link-local address";
  }
  return undefined;
};
