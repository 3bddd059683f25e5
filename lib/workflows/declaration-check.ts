import type { StateMachineDeclaration } from "#lib/wiring/state-machines";
import { functionTasksOf, parseDefinition, placeholdersOf, taskStatesOf } from "#lib/workflows/asl";

/**
 * Checks a declaration against its ASL file, for the CDK (at synth), the local runtime (at
 * start) and the tests alike. Returns the problems; empty means consistent.
 * - The placeholders and `taskFunctions` name the same set.
 * - Every Task state invokes a declared function, named by one placeholder: a Task of another
 *   kind (an SDK integration, an activity) could not run locally.
 * - Every Task state has a Retry policy: Lambda's transient errors are expected, and the tasks
 *   are idempotent, so a retry is always safe.
 * - No function both runs as a Task and starts or stops executions: the state machine would
 *   need the function's ARN and the function the state machine's, a cycle CloudFormation
 *   refuses.
 */
export const declarationProblems = (
  declaration: StateMachineDeclaration,
  text: string,
): string[] => {
  const problems: string[] = [];
  const placeholders = placeholdersOf(text);
  const declared = Object.keys(declaration.taskFunctions);
  for (const name of placeholders) {
    if (!declared.includes(name)) problems.push(`placeholder \${${name}} maps no function`);
  }
  for (const name of declared) {
    if (!placeholders.includes(name)) problems.push(`taskFunctions.${name} is not in the file`);
  }
  const definition = parseDefinition(text, declaration.definition);
  const functionTasks = functionTasksOf(definition);
  const taskStates = taskStatesOf(definition);
  const functionTaskNames = new Set(functionTasks.map((task) => task.stateName));
  for (const { name } of taskStates) {
    if (!functionTaskNames.has(name)) {
      problems.push(`Task ${name} does not invoke a declared function`);
    }
  }
  for (const task of functionTasks) {
    const [placeholder, ...more] = placeholdersOf(task.functionArn);
    if (!placeholder || more.length > 0 || task.functionArn !== `\${${placeholder}}`) {
      problems.push(`Task ${task.stateName} must name its function by one placeholder`);
    }
  }
  for (const { name, state } of taskStates) {
    if (!Array.isArray(state.Retry) || state.Retry.length === 0) {
      problems.push(`Task ${name} has no Retry policy`);
    }
  }
  const taskFunctions = new Set(Object.values(declaration.taskFunctions));
  for (const fn of [...declaration.startedBy, ...(declaration.stoppedBy ?? [])]) {
    if (taskFunctions.has(fn)) problems.push(`${fn} cannot both run a Task and start or stop it`);
  }
  return problems;
};
