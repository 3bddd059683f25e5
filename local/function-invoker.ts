import { randomBytes, randomUUID } from "node:crypto";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import type { Context } from "aws-lambda";
import { LOCAL_ACCOUNT_ID } from "#local/api-gateway-event";
import { repoRoot } from "#local/data-dir";

/**
 * Runs the functions of the wiring declaration in this process, as Lambda would run them in
 * their own: each module is imported once, on its first request (a cold start), and kept
 * (warm). All functions share one process here, so handler modules must read their settings
 * from `process.env` set before the first request, which is what the runtime does.
 *
 * Handlers are async functions `(event, context) => result`; callback-style handlers are not
 * supported because the `nodejs24.x` runtime dropped them too.
 */

export type LambdaHandler = (event: unknown, context: Context) => unknown;

export interface InvokableFunction {
  readonly entry: string;
  readonly timeoutSeconds?: number;
  readonly memorySize?: number;
}

/**
 * Used where the declaration names none; the same defaults as the CDK's function construct
 * (`infra/constructs/crm-function.ts`), so a handler times out locally when it would in AWS.
 */
export const DEFAULT_TIMEOUT_SECONDS = 10;
export const DEFAULT_MEMORY_MB = 1024;

export type HandlerLoader = (name: string, fn: InvokableFunction) => Promise<LambdaHandler>;

/** Imports `entry` (relative to the repository) and returns its exported `handler`. */
export const importHandler: HandlerLoader = async (name, fn) => {
  const module: { handler?: unknown } = await import(
    pathToFileURL(resolve(repoRoot, fn.entry)).href
  );
  if (typeof module.handler !== "function") {
    throw new Error(`Function ${name}: ${fn.entry} does not export a handler function`);
  }
  return module.handler as LambdaHandler;
};

export type Invocation =
  | { readonly outcome: "returned"; readonly result: unknown; readonly coldStart: boolean }
  | { readonly outcome: "failed"; readonly error: unknown; readonly coldStart: boolean }
  | { readonly outcome: "timed_out"; readonly timeoutSeconds: number; readonly coldStart: boolean };

export interface FunctionInvoker {
  invoke(name: string, event: unknown): Promise<Invocation>;
}

const lambdaContext = (
  functionName: string,
  fn: InvokableFunction,
  region: string,
  deadline: number,
): Context => {
  const unsupported = () => {
    throw new Error("Callback-style completion is not supported on the nodejs24.x runtime");
  };
  const day = new Date().toISOString().slice(0, 10).replace(/-/g, "/");
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: "$LATEST",
    invokedFunctionArn: `arn:aws:lambda:${region}:${LOCAL_ACCOUNT_ID}:function:${functionName}`,
    memoryLimitInMB: String(fn.memorySize ?? DEFAULT_MEMORY_MB),
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: `${day}/[$LATEST]${randomBytes(16).toString("hex")}`,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: unsupported,
    fail: unsupported,
    succeed: unsupported,
  };
};

export interface FunctionInvokerOptions {
  readonly functions: Readonly<Record<string, InvokableFunction>>;
  readonly region: string;
  /** Prefix of the Lambda function names the handlers see in their context. */
  readonly namePrefix?: string;
  readonly load?: HandlerLoader;
}

export const createFunctionInvoker = (options: FunctionInvokerOptions): FunctionInvoker => {
  const load = options.load ?? importHandler;
  const loaded = new Map<string, Promise<LambdaHandler>>();

  const handlerOf = (
    name: string,
    fn: InvokableFunction,
  ): { handler: Promise<LambdaHandler>; cold: boolean } => {
    const warm = loaded.get(name);
    if (warm) return { handler: warm, cold: false };
    const handler = load(name, fn);
    loaded.set(name, handler);
    // A module that failed to load is tried again on the next request, so fixing the file is
    // enough; there is no need to restart the runtime.
    handler.catch(() => loaded.delete(name));
    return { handler, cold: true };
  };

  return {
    async invoke(name, event) {
      const fn = options.functions[name];
      if (!fn) {
        return {
          outcome: "failed",
          error: new Error(`No function ${name} is declared`),
          coldStart: false,
        };
      }
      const { handler, cold } = handlerOf(name, fn);
      const timeoutSeconds = fn.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS;
      let timer: NodeJS.Timeout | undefined;
      try {
        const run = async (): Promise<Invocation> => {
          const loadedHandler = await handler;
          // Lambda's timeout covers the handler, not the cold start's module import.
          const deadline = Date.now() + timeoutSeconds * 1000;
          const timedOut = new Promise<Invocation>((resolveTimeout) => {
            timer = setTimeout(
              () => resolveTimeout({ outcome: "timed_out", timeoutSeconds, coldStart: cold }),
              timeoutSeconds * 1000,
            );
          });
          const context = lambdaContext(
            `${options.namePrefix ?? "crm-local-"}${name}`,
            fn,
            options.region,
            deadline,
          );
          const returned = Promise.resolve()
            .then(() => loadedHandler(event, context))
            .then((result): Invocation => ({ outcome: "returned", result, coldStart: cold }));
          // A handler that times out keeps running in this process (Lambda would freeze it);
          // its eventual result is dropped.
          return Promise.race([returned, timedOut]);
        };
        return await run();
      } catch (error) {
        return { outcome: "failed", error, coldStart: cold };
      } finally {
        clearTimeout(timer);
      }
    },
  };
};
