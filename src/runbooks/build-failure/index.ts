import type { Runbook } from '../../operations/runbook';
import { defineRunbook, type RunbookHooks } from '../define';
import { BuildFailureArgs, BuildFailureInput, buildFailureInputOf, inputFromAlarm, offerFromAlarm } from './input';
import { lookUp, type BuildFailureDeps } from './lookup';
import { buildFromFindings } from './plan';
import { buildFailureSteps } from './run-steps';
import { buildFailureTarget } from '../history/targets';

export type { BuildFailureDeps, BuildFailureSettings } from './lookup';

/** "Recover from non-critical dataset/model build failures": look up, confirm, disable by PR, let downstream run today. */
export const buildFailure = defineRunbook({
  name: 'build-failure',
  title: 'Recover from a non-critical dataset/model build failure',
  requires: ['sonar', 'buildFailureSettings'],
  args: BuildFailureArgs,
  input: BuildFailureInput,
  toInput: buildFailureInputOf,
  // Alarms are claimed (and offered) even without Sonar, so the thread says what to configure.
  pure: ({ buildFailureSettings: settings }) =>
    settings
      ? {
          fromAlarm: (alarm) => (alarm.kind === 'airflow-task-failure' ? inputFromAlarm(alarm, settings.dagaoDagId) : undefined),
          offerForAlarm: (alarm) => (alarm.kind === 'airflow-task-failure' ? offerFromAlarm(alarm, settings.dagaoDagId) : undefined),
        }
      : {},
  create: (a) => buildFailureHooks({ sonar: a.sonar, airflow: a.airflow, github: a.github, settings: a.buildFailureSettings }),
});

/** Parses `build-failure <transaction-id> [--run <id>] [--dag <id>] [--only <name>]` (the generated parser). */
export const parseBuildFailure = buildFailure.parse;

/** The build-failure runbook on these dependencies (no Sonar: listed, refusing with the "not configured" text). */
export function buildFailureRunbook(deps: BuildFailureDeps): Runbook<BuildFailureInput> {
  return buildFailure.create({ sonar: deps.sonar, airflow: deps.airflow, github: deps.github, buildFailureSettings: deps.settings });
}

function buildFailureHooks(deps: BuildFailureDeps): RunbookHooks<BuildFailureInput> {
  return {
    targetOf: buildFailureTarget,
    async buildPlan(input, ctx) {
      const findings = await lookUp(deps, input, ctx.results);
      return buildFromFindings(deps, input, findings, ctx.results);
    },
    steps: buildFailureSteps(deps),
    stepTimeoutMs: 5 * 60_000,
  };
}
