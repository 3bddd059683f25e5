/**
 * What an operation returns. The HTTP layer turns it into an API Gateway result, adding the
 * JSON body and, for a versioned record, its ETag.
 */
export interface HttpResult {
  readonly status: 200 | 201 | 204;
  readonly body?: unknown;
  /** A body that is not JSON (a CSV export), sent as it is; `headers` names its content-type. */
  readonly text?: string;
  readonly headers?: Readonly<Record<string, string>>;
}

export interface Page<T> {
  readonly data: readonly T[];
  readonly nextCursor: string | null;
}

export const etagOf = (version: number) => `"${version}"`;

const versionHeaders = (record: { version?: number }): Record<string, string> =>
  typeof record.version === "number" ? { etag: etagOf(record.version) } : {};

export const ok = (body: object): HttpResult => ({
  status: 200,
  body,
  headers: versionHeaders(body),
});

export const created = (record: { version?: number }, location: string): HttpResult => ({
  status: 201,
  body: record,
  headers: { ...versionHeaders(record), location },
});

export const noContent = (): HttpResult => ({ status: 204 });

export const page = <T>(result: Page<T>): HttpResult => ({ status: 200, body: result });

/** A 200 with a text body of its own type: `text(csv, "text/csv; charset=utf-8")`. */
export const text = (
  body: string,
  contentType: string,
  headers: Readonly<Record<string, string>> = {},
): HttpResult => ({
  status: 200,
  text: body,
  headers: { ...headers, "content-type": contentType },
});
