import type { MetapodActions } from '../actions/metapod/metapod-actions';
import type { AirflowActions } from '../actions/airflow/airflow-actions';
import type { GitHubActions } from '../actions/github/github-actions';
import type { SonarActions } from '../actions/sonar/sonar-actions';
import { buildFailureRunbook, type BuildFailureSettings } from './build-failure';
import type { AnyRunbook, RunbookRegistry } from '../operations/runbook';
import { retractRunbook } from './retract';

export interface RunbookAdapters {
  metapod?: MetapodActions;
  sonar?: SonarActions;
  airflow?: AirflowActions;
  github?: GitHubActions;
  buildFailure?: BuildFailureSettings;
}

/** Every runbook the bot offers, by subcommand. */
export function createRunbooks(adapters: RunbookAdapters): RunbookRegistry {
  const all: AnyRunbook[] = [retractRunbook(adapters.metapod)];
  if (adapters.buildFailure) all.push(buildFailureRunbook({ sonar: adapters.sonar, airflow: adapters.airflow, github: adapters.github, settings: adapters.buildFailure }));
  return new Map(all.map((r) => [r.name, r]));
}
