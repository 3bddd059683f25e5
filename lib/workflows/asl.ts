/**
 * Reading Amazon States Language files the way both runtimes need: the `${Name}` placeholders
 * the CDK fills with `definitionSubstitutions` (and the local runtime with ARN-shaped strings),
 * and the Task states that invoke a Lambda function, wherever they are nested.
 *
 * Only what the wiring needs is read; the full language is validated by Step Functions at deploy
 * time and by `aws-local-stepfunctions` when the local runtime loads the file.
 */

/** `${Name}`: the CDK's `definitionSubstitutions` syntax. */
const PLACEHOLDER = /\$\{([A-Za-z][A-Za-z0-9_]*)\}/g;

/** Every placeholder name in an ASL text, in order of first appearance. */
export const placeholdersOf = (text: string): string[] => [
  ...new Set([...text.matchAll(PLACEHOLDER)].map((match) => match[1] ?? "")),
];

/**
 * Replaces each `${Name}` with its value. A placeholder without a value is an error, as it is
 * for CloudFormation, so a definition never runs with a literal `${...}` in it.
 */
export const substitute = (text: string, values: Readonly<Record<string, string>>): string =>
  text.replace(PLACEHOLDER, (placeholder, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`No value for the placeholder ${placeholder}`);
    // The values land inside JSON strings.
    return JSON.stringify(value).slice(1, -1);
  });

export type JsonValue =
  | null
  | boolean
  | number
  | string
  | readonly JsonValue[]
  | { readonly [key: string]: JsonValue };

export type JsonObject = { readonly [key: string]: JsonValue };

const isObject = (value: unknown): value is JsonObject =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/**
 * A Task state that invokes a Lambda function directly: its `Resource` is the function's ARN (or
 * the placeholder that becomes it), and its result is what the function returns. The other
 * form, `arn:aws:states:::lambda:invoke`, wraps the result in `{ Payload, StatusCode }` and is
 * not used here: one form keeps the local runner and the definitions simple.
 */
export interface FunctionTask {
  /** The state's name: unique in the whole state machine, as ASL requires. */
  readonly stateName: string;
  readonly functionArn: string;
  readonly state: JsonObject;
}

/** The nested state machines of a Parallel (branches) or a Map (item processor) state. */
const nestedMachinesOf = (state: JsonObject): JsonObject[] => {
  const nested: JsonObject[] = [];
  const branches = state.Branches;
  if (Array.isArray(branches)) nested.push(...branches.filter(isObject));
  for (const field of ["ItemProcessor", "Iterator"] as const) {
    const processor = state[field];
    if (isObject(processor)) nested.push(processor);
  }
  return nested;
};

/** Every state of a definition, nested ones included, with its name. */
export const statesOf = (definition: JsonObject): { name: string; state: JsonObject }[] => {
  const states = definition.States;
  if (!isObject(states)) throw new Error("The definition has no States object");
  return Object.entries(states).flatMap(([name, state]) => {
    if (!isObject(state)) throw new Error(`State ${name} is not an object`);
    return [{ name, state }, ...nestedMachinesOf(state).flatMap(statesOf)];
  });
};

const isLambdaArn = (value: string): boolean =>
  value.startsWith("arn:aws:lambda:") || placeholdersOf(value).length > 0;

/**
 * The Task states that invoke a Lambda function directly. A Task state with any other resource
 * (an AWS SDK integration, an activity) is not listed; the declaration check refuses those,
 * since the local runtime could not run them.
 */
export const functionTasksOf = (definition: JsonObject): FunctionTask[] =>
  statesOf(definition).flatMap(({ name, state }): FunctionTask[] =>
    state.Type === "Task" && typeof state.Resource === "string" && isLambdaArn(state.Resource)
      ? [{ stateName: name, functionArn: state.Resource, state }]
      : [],
  );

/** The Task states, of any resource. */
export const taskStatesOf = (definition: JsonObject): { name: string; state: JsonObject }[] =>
  statesOf(definition).filter(({ state }) => state.Type === "Task");

/** Parses an ASL text into an object, with a clear error for a file that is not one. */
export const parseDefinition = (text: string, file: string): JsonObject => {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new Error(`${file} is not valid JSON: ${(error as Error).message}`);
  }
  if (!isObject(parsed)) throw new Error(`${file} is not a state machine definition`);
  return parsed;
};
