import type { AirflowActions } from '../actions/airflow/airflow-actions';
import type { CliAllowList } from '../actions/cli/allow-list';
import type { CliRunner } from '../actions/cli/runner';
import type { GoCdActions } from '../actions/gocd/gocd-actions';
import type { MetapodActions } from '../actions/metapod/metapod-actions';
import type { GitHubActions } from '../actions/github/github-actions';
import type { SonarActions } from '../actions/sonar/sonar-actions';
import { buildFailureRunbook, type BuildFailureSettings } from './build-failure';
import type { AnyRunbook, RunbookRegistry } from '../operations/runbook';
import { auroraRunbook } from './aurora';
import { dagaoRunbook } from './dagao';
import type { ChannelHistory } from './dagao/transaction';
import { retractRunbook } from './retract';
import { rollbackRunbook, rollbackUndoRunbook, type RollbackDeps } from './rollback';
import { datomicCapacityRunbook, type DatomicAdapters, type DatomicSettings } from './datomic-capacity';

export interface RunbookAdapters {
  metapod?: MetapodActions;
  rollback?: RollbackDeps;
  datomic?: DatomicAdapters & { settings: DatomicSettings };
  cli?: { allowList: CliAllowList; runner: CliRunner };
  dagao?: { airflow?: AirflowActions; gocd?: GoCdActions; history: ChannelHistory; dagId: string; pipelines: string[]; pollMs?: number };
  sonar?: SonarActions;
  airflow?: AirflowActions;
  github?: GitHubActions;
  buildFailure?: BuildFailureSettings;
}

/** Every runbook the bot offers, by subcommand. */
export function createRunbooks(adapters: RunbookAdapters): RunbookRegistry {
  const all: AnyRunbook[] = [retractRunbook(adapters.metapod, adapters.sonar)];
  if (adapters.buildFailure) all.push(buildFailureRunbook({ sonar: adapters.sonar, airflow: adapters.airflow, github: adapters.github, settings: adapters.buildFailure }));
  if (adapters.rollback) all.push(rollbackRunbook(adapters.rollback), rollbackUndoRunbook(adapters.rollback));
  if (adapters.datomic) all.push(datomicCapacityRunbook(adapters.datomic, adapters.datomic.settings));
  if (adapters.cli) all.push(auroraRunbook(adapters.cli));
  // The dagão's last rung hands over to `rollback` when the registry has it, hence the late lookup.
  if (adapters.cli && adapters.dagao) all.push(dagaoRunbook({ ...adapters.dagao, ...adapters.cli, runbooks: () => registry }));
  const registry: RunbookRegistry = new Map(all.map((r) => [r.name, r]));
  return registry;
}
