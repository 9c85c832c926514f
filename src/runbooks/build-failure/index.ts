import type { Runbook } from '../../operations/runbook';
import { BuildFailureInput, inputFromAlarm, offerFromAlarm, parseBuildFailure, USAGE } from './input';
import { lookUp, type BuildFailureDeps } from './lookup';
import { buildFromFindings } from './plan';
import { buildFailureSteps } from './run-steps';
import { buildFailureTarget } from '../history/targets';

export type { BuildFailureDeps, BuildFailureSettings } from './lookup';

/** "Recover from non-critical dataset/model build failures": look up, confirm, disable by PR, let downstream run today. */
export function buildFailureRunbook(deps: BuildFailureDeps): Runbook<BuildFailureInput> {
  return {
    name: 'build-failure',
    title: 'Recover from a non-critical dataset/model build failure',
    usage: USAGE,
    inputSchema: BuildFailureInput,
    parse: parseBuildFailure,
    targetOf: buildFailureTarget,
    async buildPlan(input, ctx) {
      const findings = await lookUp(deps, input, ctx.results);
      return buildFromFindings(deps, input, findings, ctx.results);
    },
    steps: buildFailureSteps(deps),
    stepTimeoutMs: 5 * 60_000,
    fromAlarm: (alarm) => (alarm.kind === 'airflow-task-failure' ? inputFromAlarm(alarm, deps.settings.dagaoDagId) : undefined),
    offerForAlarm: (alarm) => (alarm.kind === 'airflow-task-failure' ? offerFromAlarm(alarm, deps.settings.dagaoDagId) : undefined),
  };
}
