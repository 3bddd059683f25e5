/**
 * EventBridge event pattern matching, for the local bus (no maintained npm package does it).
 * It follows the documented semantics of "Content filtering in Amazon EventBridge event
 * patterns" and "Comparison operators for use in event patterns":
 *
 * - A pattern is an object. Its keys are ANDed; a key whose value is an object descends into the
 *   event's object at that key; a key whose value is an array lists matchers, ORed.
 * - `$or: [pattern, pattern, ...]` at any level matches when any of its patterns does.
 * - Matchers: a literal (string, number, boolean, null; types must agree, `"5"` is not `5`),
 *   `prefix`, `suffix` (each also with `{ "equals-ignore-case": ... }`), `equals-ignore-case`,
 *   `wildcard` (`*` is any run of characters, `\*` a literal star), `anything-but` (a value, a
 *   list of values, or `prefix` / `suffix` / `equals-ignore-case` / `wildcard`), `numeric`
 *   (`[">", 0, "<=", 5]`, `["=", 3]`), `exists` (`true`/`false`, leaf fields only) and `cidr`.
 * - A field the event lacks matches only `exists: false`; an array in the event matches when
 *   any of its elements does (for nested patterns too: any element object).
 */

export type Pattern = Readonly<Record<string, unknown>>;

type Json = unknown;

const isObject = (value: unknown): value is Readonly<Record<string, unknown>> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

export class InvalidPattern extends Error {
  constructor(message: string) {
    super(`Invalid event pattern: ${message}`);
    this.name = "InvalidPattern";
  }
}

/** `*` matches any run of characters; `\*` is a literal star. */
const wildcardRegExp = (wildcard: string): RegExp => {
  let source = "";
  for (let i = 0; i < wildcard.length; i++) {
    const char = wildcard[i] ?? "";
    if (char === "\\" && wildcard[i + 1] === "*") {
      source += "\\*";
      i++;
    } else if (char === "*") source += ".*";
    else source += char.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  }
  return new RegExp(`^${source}$`, "s");
};

/** A `prefix` or `suffix` operand: a string, or `{ "equals-ignore-case": string }`. */
const affix = (operand: unknown, name: string): { text: string; ignoreCase: boolean } => {
  if (typeof operand === "string") return { text: operand, ignoreCase: false };
  if (isObject(operand) && typeof operand["equals-ignore-case"] === "string") {
    return { text: operand["equals-ignore-case"], ignoreCase: true };
  }
  throw new InvalidPattern(`${name} takes a string or { "equals-ignore-case": string }`);
};

const startsWith = (value: Json, operand: unknown): boolean => {
  const { text, ignoreCase } = affix(operand, "prefix");
  if (typeof value !== "string") return false;
  return ignoreCase ? value.toLowerCase().startsWith(text.toLowerCase()) : value.startsWith(text);
};

const endsWith = (value: Json, operand: unknown): boolean => {
  const { text, ignoreCase } = affix(operand, "suffix");
  if (typeof value !== "string") return false;
  return ignoreCase ? value.toLowerCase().endsWith(text.toLowerCase()) : value.endsWith(text);
};

const equalsIgnoreCase = (value: Json, operand: unknown): boolean => {
  const options = [operand].flat();
  if (!options.every((o) => typeof o === "string")) {
    throw new InvalidPattern("equals-ignore-case takes a string");
  }
  return (
    typeof value === "string" &&
    options.some((o) => (o as string).toLowerCase() === value.toLowerCase())
  );
};

const wildcardMatches = (value: Json, operand: unknown): boolean => {
  if (typeof operand !== "string") throw new InvalidPattern("wildcard takes a string");
  return typeof value === "string" && wildcardRegExp(operand).test(value);
};

const COMPARATORS: Readonly<Record<string, (a: number, b: number) => boolean>> = {
  "=": (a, b) => a === b,
  "<": (a, b) => a < b,
  "<=": (a, b) => a <= b,
  ">": (a, b) => a > b,
  ">=": (a, b) => a >= b,
};

const numericMatches = (value: Json, operand: unknown): boolean => {
  if (!Array.isArray(operand) || operand.length === 0 || operand.length % 2 !== 0) {
    throw new InvalidPattern("numeric takes pairs of operator and number");
  }
  const conditions: [(a: number, b: number) => boolean, number][] = [];
  for (let i = 0; i < operand.length; i += 2) {
    const compare = COMPARATORS[String(operand[i])];
    const bound = operand[i + 1];
    if (!compare || typeof bound !== "number") {
      throw new InvalidPattern(`numeric: ${String(operand[i])} ${String(bound)}`);
    }
    conditions.push([compare, bound]);
  }
  return typeof value === "number" && conditions.every(([compare, bound]) => compare(value, bound));
};

const ipv4 = (text: string): number | undefined => {
  const parts = text.split(".");
  if (parts.length !== 4 || !parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255)) {
    return undefined;
  }
  return parts.reduce((sum, p) => sum * 256 + Number(p), 0);
};

const cidrMatches = (value: Json, operand: unknown): boolean => {
  const [network = "", bitsText = ""] = typeof operand === "string" ? operand.split("/") : [];
  const base = ipv4(network);
  const bits = Number(bitsText);
  if (base === undefined || !Number.isInteger(bits) || bits < 0 || bits > 32) {
    throw new InvalidPattern("cidr takes an IPv4 block such as 10.0.0.0/24");
  }
  const address = typeof value === "string" ? ipv4(value) : undefined;
  if (address === undefined) return false;
  const size = 2 ** (32 - bits);
  return Math.floor(address / size) === Math.floor(base / size);
};

const isLiteral = (value: unknown): boolean =>
  value === null || ["string", "number", "boolean"].includes(typeof value);

const anythingBut = (value: Json, operand: unknown): boolean => {
  if (isObject(operand)) {
    const [operator, ...others] = Object.keys(operand);
    if (!operator || others.length > 0) {
      throw new InvalidPattern("anything-but takes one operator");
    }
    const inner = operand[operator];
    // Like the positive forms, these only ever consider strings: a number is not "anything
    // but a prefix", it is simply not matched.
    if (typeof value !== "string") return false;
    switch (operator) {
      case "prefix":
        return !startsWith(value, inner);
      case "suffix":
        return !endsWith(value, inner);
      case "equals-ignore-case":
        return !equalsIgnoreCase(value, inner);
      case "wildcard":
        return ![inner].flat().some((w) => wildcardMatches(value, w));
      default:
        throw new InvalidPattern(`anything-but does not take ${operator}`);
    }
  }
  const excluded = [operand].flat();
  if (!excluded.every(isLiteral)) throw new InvalidPattern("anything-but takes values");
  return isLiteral(value) && !excluded.some((e) => e === value);
};

/** One matcher of a leaf's list against one (non-array) event value; `undefined` = absent. */
const matcherMatches = (matcher: unknown, value: Json): boolean => {
  if (isLiteral(matcher)) return value !== undefined && matcher === value;
  if (!isObject(matcher)) throw new InvalidPattern(`unknown matcher ${JSON.stringify(matcher)}`);
  const [operator, ...others] = Object.keys(matcher);
  if (!operator || others.length > 0) {
    // Only numeric ranges combine, and they do so inside one `numeric` array.
    throw new InvalidPattern(`a matcher has exactly one operator: ${JSON.stringify(matcher)}`);
  }
  const operand = matcher[operator];
  if (operator === "exists") {
    if (typeof operand !== "boolean") throw new InvalidPattern("exists takes true or false");
    // Exists works on leaf fields only: an object is not a leaf.
    const present = value !== undefined && !isObject(value);
    return operand ? present : value === undefined;
  }
  if (value === undefined) return false;
  switch (operator) {
    case "prefix":
      return startsWith(value, operand);
    case "suffix":
      return endsWith(value, operand);
    case "equals-ignore-case":
      return equalsIgnoreCase(value, operand);
    case "wildcard":
      return wildcardMatches(value, operand);
    case "numeric":
      return numericMatches(value, operand);
    case "cidr":
      return cidrMatches(value, operand);
    case "anything-but":
      return anythingBut(value, operand);
    default:
      throw new InvalidPattern(`unknown operator ${operator}`);
  }
};

const leafMatches = (matchers: readonly unknown[], value: Json): boolean => {
  if (matchers.length === 0) throw new InvalidPattern("a field's list of matchers is empty");
  if (Array.isArray(value)) {
    // exists:false on an array field: the field is there, so it does not match.
    return value.some((element) => matchers.some((m) => matcherMatches(m, element)));
  }
  return matchers.some((m) => matcherMatches(m, value));
};

const objectMatches = (pattern: Pattern, event: Json): boolean => {
  for (const [key, expected] of Object.entries(pattern)) {
    if (key === "$or") {
      if (!Array.isArray(expected) || expected.length < 2 || !expected.every(isObject)) {
        throw new InvalidPattern("$or takes a list of at least two patterns");
      }
      if (!expected.some((alternative) => objectMatches(alternative, event))) return false;
      continue;
    }
    const value = isObject(event) ? event[key] : undefined;
    if (Array.isArray(expected)) {
      if (!leafMatches(expected, value)) return false;
    } else if (isObject(expected)) {
      const candidates = Array.isArray(value) ? value : [value];
      if (!candidates.some((candidate) => objectMatches(expected, candidate))) return false;
    } else {
      throw new InvalidPattern(`${key} must be a list of matchers or an object`);
    }
  }
  return true;
};

/** Whether `event` (an EventBridge event: source, detail-type, detail, ...) matches `pattern`. */
export const matchesPattern = (pattern: Pattern, event: unknown): boolean => {
  if (!isObject(pattern) || Object.keys(pattern).length === 0) {
    throw new InvalidPattern("a pattern is a non-empty object");
  }
  return objectMatches(pattern, event);
};
