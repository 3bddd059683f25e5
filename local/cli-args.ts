/**
 * Small parsers shared by `npm start` and `npm run token`. Bad input is a `UsageError`, which the
 * commands print as one line before exiting with status 2, the usual code for misuse.
 */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

/** A TCP port: 0 (any free port) to 65535. */
export const parsePort = (value: string, name: string): number => {
  const port = Number(value);
  if (!/^\d+$/.test(value.trim()) || port > 65_535) {
    throw new UsageError(`${name} must be a port number (0-65535), not "${value}"`);
  }
  return port;
};

const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400 };

/** `90`, `90s`, `15m`, `1h`, `7d` → seconds. */
export const parseDuration = (value: string, name: string): number => {
  const match = /^(\d+)([smhd]?)$/.exec(value.trim());
  const seconds = match ? Number(match[1]) * (UNIT_SECONDS[match[2] || "s"] ?? 1) : Number.NaN;
  if (!Number.isSafeInteger(seconds) || seconds <= 0) {
    throw new UsageError(
      `${name} must be a positive duration like 90s, 15m, 1h or 7d, not "${value}"`,
    );
  }
  return seconds;
};
