/**
 * The one declaration of the CRM's wiring. `infra/` turns it into CloudFormation and `local/`
 * into the embedded runtime. Later capabilities add event rules, schedules and state machines
 * here, next to the routes.
 */
export {
  type BusAccess,
  type FunctionDeclaration,
  type FunctionName,
  functions,
  type TableAccess,
} from "#lib/wiring/functions";
export { routes } from "#lib/wiring/routes";
export { type EventPattern, type RuleDeclaration, rules } from "#lib/wiring/rules";
export {
  type ScheduleDeclaration,
  type ScheduledInvocation,
  schedules,
} from "#lib/wiring/schedules";
export {
  type StateMachineDeclaration,
  stateMachineArnVariable,
  stateMachines,
} from "#lib/wiring/state-machines";
export { type GlobalIndexDeclaration, type TableDeclaration, table } from "#lib/wiring/table";
