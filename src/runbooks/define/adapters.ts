import type { AirflowActions } from '../../actions/airflow/airflow-actions';
import type { CliAllowList } from '../../actions/cli/allow-list';
import type { CliRunner } from '../../actions/cli/runner';
import type { CloudFormationActions } from '../../actions/cloudformation/types';
import type { CloudWatchActions } from '../../actions/cloudwatch/cloudwatch-actions';
import type { DynamoDbActions } from '../../actions/dynamodb/dynamodb-actions';
import type { GitHubActions } from '../../actions/github/github-actions';
import type { GoCdActions } from '../../actions/gocd/gocd-actions';
import type { MetapodActions } from '../../actions/metapod/metapod-actions';
import type { ServiceVersionActions } from '../../actions/service-health/service-version';
import type { SonarActions } from '../../actions/sonar/sonar-actions';
import type { RunbookRegistry } from '../../operations/runbook';
import type { BuildFailureSettings } from '../build-failure/lookup';
import type { ChannelHistory } from '../dagao/transaction';
import type { DatomicSettings } from '../datomic-capacity';
import type { RollbackDeps } from '../rollback/deps';

/** The rollback's settings: its dependencies without the adapters supplied by name. */
export type RollbackSettings = Omit<RollbackDeps, 'cfn' | 'gocd' | 'versions'>;

/** Settings of the dagão runbook, from configuration. */
export interface DagaoSettings {
  dagId: string;
  /** GoCD pipelines whose deploys can break the dagão. */
  pipelines: string[];
  pollMs?: number;
  /** How long a retried run may take to appear in Airflow (default 15 min). */
  appearWithinMs?: number;
  now?: () => Date;
}

/**
 * Every adapter and settings group a runbook can ask for, by name: `wiring.ts` supplies what the
 * configuration enables, and a runbook's `requires` lists the names it cannot work without.
 */
export interface RunbookAdapters {
  metapod?: MetapodActions;
  airflow?: AirflowActions;
  gocd?: GoCdActions;
  sonar?: SonarActions;
  github?: GitHubActions;
  cloudformation?: CloudFormationActions;
  dynamodb?: DynamoDbActions;
  cloudwatch?: CloudWatchActions;
  cli?: { allowList: CliAllowList; runner: CliRunner };
  serviceVersion?: ServiceVersionActions;
  channelHistory?: ChannelHistory;
  rollbackSettings?: RollbackSettings;
  datomicSettings?: DatomicSettings;
  dagaoSettings?: DagaoSettings;
  buildFailureSettings?: BuildFailureSettings;
  /** The registry being built, for runbooks that hand over to another (the dagão to `rollback`). */
  runbooks?: () => RunbookRegistry;
}

export type AdapterName = Exclude<keyof RunbookAdapters, 'runbooks'>;

/** The adapters a runbook gets: what it requires is there, the rest may be. */
export type Needs<R extends AdapterName> = RunbookAdapters & Required<Pick<RunbookAdapters, R>>;

/** What to tell people when an adapter is missing: the clause names the variables to set. */
export const REQUIREMENTS: Record<AdapterName, string> = {
  metapod: '`METAPOD_URL` is not configured (Metapod)',
  airflow: '`AIRFLOW_URL` is not configured (Airflow)',
  gocd: '`GOCD_URL` is not configured (GoCD)',
  sonar: '`SONAR_URL` is not configured (Sonar)',
  github: '`GITHUB_TOKEN` is not configured (GitHub)',
  cloudformation: 'no CloudFormation client is configured (AWS credentials and `AWS_REGION`)',
  dynamodb: 'no DynamoDB client is configured (AWS credentials and `AWS_REGION`, or `AWS_ENDPOINT_URL_DYNAMODB`)',
  cloudwatch: 'no CloudWatch client is configured (AWS credentials and `AWS_REGION`, or `AWS_ENDPOINT_URL_CLOUDWATCH`)',
  cli: 'the CLI allow-list is not configured (`CLI_COMMANDS_FILE`, `SABESP_BIN`, `NU_BIN`)',
  serviceVersion: 'the service version checker is not configured',
  channelHistory: 'the Slack channel history is not available',
  rollbackSettings: 'the rollback settings are not configured (`GOCD_PIPELINE_TEMPLATE`, `TO_PROD_PIPELINE`)',
  datomicSettings: 'the Datomic settings are not configured (`DATOMIC_*`)',
  dagaoSettings: 'the dagão settings are not configured (`DAGAO_DAG_ID`, `DAGAO_PIPELINES`)',
  buildFailureSettings: 'the build-failure settings are not configured (`ITAIPU_*`, `AURORA_JOBS_*`)',
};

/** The names in `requires` that `adapters` does not supply. */
export function missingOf(requires: readonly AdapterName[], adapters: RunbookAdapters): AdapterName[] {
  return requires.filter((name) => adapters[name] === undefined);
}

/** The generated "not configured" refusal: which runbook, and which variables to set. */
export function notConfiguredText(name: string, missing: readonly AdapterName[]): string {
  const them = missing.length === 1 ? 'it' : 'them';
  return `\`/runbook ${name}\` is disabled: ${missing.map((m) => REQUIREMENTS[m]).join('; ')}. Ask whoever runs the bot to set ${them}.`;
}
