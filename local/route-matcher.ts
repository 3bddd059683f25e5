/**
 * Matches a request to the route table the way API Gateway HTTP APIs do: path templates in API
 * Gateway syntax (`/contacts/{contactId}`, and a greedy `{proxy+}` as the last segment),
 * case-sensitive literal segments, a parameter never matching an empty segment (so
 * `/contacts/` is not `/contacts`), and the most specific template winning when several match:
 * literal segments beat parameters, which beat a greedy parameter, compared left to right.
 *
 * One difference, on purpose: API Gateway answers 404 to a known path with an undeclared
 * method; we answer 405 with `allow`, which tells the developer what went wrong.
 */

export interface MatchableRoute {
  readonly method: string;
  readonly path: string;
}

export type RouteMatch<R extends MatchableRoute> =
  | { readonly kind: "found"; readonly route: R; readonly pathParameters: Record<string, string> }
  | { readonly kind: "method_not_allowed"; readonly allow: readonly string[] }
  | { readonly kind: "not_found" };

type Segment =
  | { readonly kind: "literal"; readonly value: string }
  | { readonly kind: "param"; readonly name: string }
  | { readonly kind: "greedy"; readonly name: string };

/** Higher is more specific; compared segment by segment. */
const WEIGHT: Record<Segment["kind"], number> = { literal: 2, param: 1, greedy: 0 };

const parseTemplate = (path: string): Segment[] => {
  if (!path.startsWith("/")) throw new Error(`Route path must start with /: ${path}`);
  const parts = path.slice(1).split("/");
  return parts.map((part, position): Segment => {
    const param = /^\{([\w.-]+)(\+?)\}$/.exec(part);
    if (!param?.[1]) return { kind: "literal", value: part };
    if (param[2] === "+") {
      if (position !== parts.length - 1) throw new Error(`Greedy parameter must be last: ${path}`);
      return { kind: "greedy", name: param[1] };
    }
    return { kind: "param", name: param[1] };
  });
};

/** API Gateway hands path parameters over decoded; a malformed escape is left as sent. */
const decode = (value: string): string => {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
};

const matchSegments = (
  template: readonly Segment[],
  parts: readonly string[],
): Record<string, string> | undefined => {
  const parameters: Record<string, string> = {};
  for (const [position, segment] of template.entries()) {
    const part = parts[position];
    if (segment.kind === "greedy") {
      const rest = parts.slice(position);
      if (rest.length === 0 || rest.join("/") === "") return undefined;
      parameters[segment.name] = decode(rest.join("/"));
      return parameters;
    }
    if (part === undefined) return undefined;
    if (segment.kind === "literal") {
      if (part !== segment.value) return undefined;
    } else {
      if (part === "") return undefined;
      parameters[segment.name] = decode(part);
    }
  }
  return parts.length === template.length ? parameters : undefined;
};

const moreSpecific = (a: readonly Segment[], b: readonly Segment[]): number => {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const difference = WEIGHT[b[i]?.kind ?? "greedy"] - WEIGHT[a[i]?.kind ?? "greedy"];
    if (difference !== 0) return difference;
  }
  return 0;
};

/** Compiles the route table once; the returned function matches `(method, rawPath)`. */
export const createRouteMatcher = <R extends MatchableRoute>(routes: readonly R[]) => {
  const compiled = routes
    .map((route) => ({ route, segments: parseTemplate(route.path) }))
    .sort((a, b) => moreSpecific(a.segments, b.segments));

  return (method: string, rawPath: string): RouteMatch<R> => {
    const parts = rawPath.replace(/^\//, "").split("/");
    const allow = new Set<string>();
    for (const { route, segments } of compiled) {
      const pathParameters = matchSegments(segments, parts);
      if (!pathParameters) continue;
      if (route.method === method) return { kind: "found", route, pathParameters };
      allow.add(route.method);
    }
    return allow.size > 0
      ? { kind: "method_not_allowed", allow: [...allow].sort() }
      : { kind: "not_found" };
  };
};
