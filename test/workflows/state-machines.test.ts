import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { StateMachine, type StateMachineDefinition } from "aws-local-stepfunctions";
import { describe, expect, it } from "vitest";
import { projectRoot } from "#infra/project-root";
import { functions } from "#lib/wiring/functions";
import { stateMachineArnVariable, stateMachines } from "#lib/wiring/state-machines";
import { functionTasksOf, parseDefinition, placeholdersOf, substitute } from "#lib/workflows/asl";
import { declarationProblems } from "#lib/workflows/declaration-check";

/** Every declared state machine against its ASL file: what both runtimes rely on. */
describe.each(stateMachines.map((declaration) => [declaration.name, declaration] as const))(
  "the %s state machine",
  (_name, declaration) => {
    const file = join(projectRoot, declaration.definition);
    const text = () => readFileSync(file, "utf8");

    it("has a name that is stable and kebab-case, and a Standard ASL file", () => {
      expect(declaration.name).toMatch(/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/);
      expect(declaration.definition).toMatch(/\.asl\.json$/);
      expect(existsSync(file)).toBe(true);
      expect(declaration.type).toBe("STANDARD");
      expect(() => JSON.parse(text())).not.toThrow();
    });

    it("maps every placeholder to a declared function, and every Task to a placeholder with a Retry", () => {
      expect(declarationProblems(declaration, text())).toEqual([]);
      expect(placeholdersOf(text()).sort()).toEqual(Object.keys(declaration.taskFunctions).sort());
      for (const fn of [
        ...Object.values(declaration.taskFunctions),
        ...declaration.startedBy,
        ...(declaration.stoppedBy ?? []),
      ]) {
        expect(functions, fn).toHaveProperty(fn);
      }
    });

    it("validates as Amazon States Language once its placeholders are ARNs", () => {
      const arns = Object.fromEntries(
        Object.entries(declaration.taskFunctions).map(([placeholder, fn]) => [
          placeholder,
          `arn:aws:lambda:eu-west-1:123456789012:function:${fn}`,
        ]),
      );
      const definition = parseDefinition(substitute(text(), arns), declaration.definition);
      expect(
        () =>
          new StateMachine(definition as unknown as StateMachineDefinition, {
            validationOptions: { checkArn: true, checkPaths: true },
          }),
      ).not.toThrow();
      expect(functionTasksOf(definition).length).toBeGreaterThan(0);
    });

    it("names the variable its starters read the ARN from", () => {
      expect(stateMachineArnVariable(declaration.name)).toMatch(
        /^[A-Z][A-Z0-9_]*_STATE_MACHINE_ARN$/,
      );
    });
  },
);

it("declares each state machine once", () => {
  const names = stateMachines.map((declaration) => declaration.name);
  expect(new Set(names).size).toBe(names.length);
});
