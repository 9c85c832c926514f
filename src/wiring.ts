import type { webApi } from '@slack/bolt';
import { awsClientConfig } from './actions/aws/client-config';
import { HttpAirflowActions } from './actions/airflow/http-airflow-actions';
import type { CliAllowList } from './actions/cli/allow-list';
import { ProcessCliRunner } from './actions/cli/runner';
import { createCloudFormationActions } from './actions/cloudformation/create';
import { SdkCloudWatchActions } from './actions/cloudwatch/cloudwatch-actions';
import { SdkDynamoDbActions } from './actions/dynamodb/dynamodb-actions';
import { OctokitGitHubActions } from './actions/github/github-actions';
import { HttpGoCdActions } from './actions/gocd/gocd-actions';
import type { MetapodActions } from './actions/metapod/metapod-actions';
import { HttpServiceVersion } from './actions/service-health/service-version';
import { GraphqlSonarActions } from './actions/sonar/sonar-actions';
import type { BotOverrides } from './bot';
import type { Config } from './config';
import type { RunbookRegistry } from './operations/runbook';
import { createRunbooks } from './runbooks';
import { createFormLookups } from './runbooks/form-lookups';
import type { FormLookups } from './slack/forms/lookups';
import { DEFAULT_ROLLBACK_TIMING } from './runbooks/rollback';
import { SlackChannelHistory } from './slack/channel-history';
import { SlackOnCallDirectory } from './slack/oncall-directory';
import { PagerDutyOnCall } from './actions/oncall/pagerduty';
import { OpsgenieOnCall } from './actions/oncall/opsgenie';

export interface WiringDeps {
  metapod?: MetapodActions;
  allowList: CliAllowList;
  /** Wraps an adapter so its backend errors are counted by adapter (metrics). */
  instrument: <T extends object>(adapter: T | undefined, name: string) => T | undefined;
  slack: webApi.WebClient;
  overrides: BotOverrides;
  /** Where adapters report what they found out (e.g. the Airflow API generation). */
  logger?: { info(fields: Record<string, unknown>, message: string): void };
  /** Registers what must be closed when the bot stops. */
  onClose: (fn: () => Promise<void>) => void;
  /** Receives the read-only lookups the runbook form's select menus use (over the same adapters). */
  onLookups?: (lookups: FormLookups) => void;
}

/** Builds every adapter the configuration enables and the runbooks on top of them. */
export function wireRunbooks(config: Config, deps: WiringDeps): RunbookRegistry {
  const { instrument, overrides } = deps;
  const airflow = instrument(
    config.airflow.url
      ? new HttpAirflowActions({
          url: config.airflow.url,
          username: config.airflow.username,
          password: config.airflow.password,
          apiVersion: config.airflow.apiVersion,
          log: (fields, message) => deps.logger?.info(fields, message),
        })
      : undefined,
    'airflow',
  );
  const gocd = instrument(config.gocd.url ? new HttpGoCdActions(config.gocd.url, config.gocd.token) : undefined, 'gocd');
  const cli = { allowList: deps.allowList, runner: new ProcessCliRunner({ bins: { sabesp: config.cli.sabespBin, nu: config.cli.nuBin } }) };
  const cloudFormation = createCloudFormationActions(config);
  deps.onClose(() => Promise.resolve(cloudFormation.close()));
  const cfn = instrument(cloudFormation.actions, 'cloudformation')!;
  const aws = { dynamodb: awsClientConfig(config, 'dynamodb'), cloudwatch: awsClientConfig(config, 'cloudwatch') };
  const dynamodb = overrides.dynamodb ?? new SdkDynamoDbActions(aws.dynamodb);
  const cloudwatch = overrides.cloudwatch ?? new SdkCloudWatchActions(aws.cloudwatch);
  for (const client of [dynamodb, cloudwatch])
    if (client instanceof SdkDynamoDbActions || client instanceof SdkCloudWatchActions) deps.onClose(() => Promise.resolve(client.close()));
  deps.onLookups?.(createFormLookups({ cfn, dynamodb: instrument(dynamodb, 'dynamodb'), airflow, dagaoDagId: config.airflow.dagaoDagId }));
  // Each adapter and settings group by name: a runbook's `requires` picks what it cannot work without.
  return createRunbooks({
    metapod: deps.metapod,
    airflow,
    gocd,
    sonar: instrument(config.sonar.url ? new GraphqlSonarActions(config.sonar.url, config.sonar.token) : undefined, 'sonar'),
    github: instrument(config.github.token ? new OctokitGitHubActions(config.github.apiUrl, config.github.token) : undefined, 'github'),
    cloudformation: cfn,
    dynamodb: instrument(dynamodb, 'dynamodb')!,
    cloudwatch: instrument(cloudwatch, 'cloudwatch')!,
    cli,
    serviceVersion: instrument(new HttpServiceVersion(), 'service-version')!,
    channelHistory: new SlackChannelHistory(deps.slack),
    rollbackSettings: {
      serviceUrlTemplate: config.serviceUrlTemplate,
      pipelineTemplate: config.gocd.pipelineTemplate,
      toProdPipeline: config.gocd.toProdPipeline,
      timing: overrides.rollbackTiming ?? DEFAULT_ROLLBACK_TIMING,
    },
    datomicSettings: { ...config.datomic, region: aws.cloudwatch.region },
    dagaoSettings: { dagId: config.airflow.dagaoDagId, pipelines: config.gocd.dagaoPipelines, pollMs: overrides.dagaoPollMs },
    buildFailureSettings: {
      defaultDagId: config.airflow.dagaoDagId,
      dagaoDagId: config.airflow.dagaoDagId,
      itaipuRepo: config.github.itaipuRepo,
      itaipuDatasetsFile: config.github.itaipuDatasetsFile,
      auroraJobsRepo: config.github.auroraJobsRepo,
      auroraJobsDagFile: config.github.auroraJobsDagFile,
      policyModels: config.policyModels,
    },
  });
}

/** The on-call schedules of runbook-bot.yml, read through the providers whose keys are set. */
export function wireOnCall(config: Config, client: webApi.WebClient): SlackOnCallDirectory {
  const { pagerduty, opsgenie } = config.oncall;
  return new SlackOnCallDirectory(
    config.file.approvals.oncall.schedules,
    {
      ...(pagerduty.token ? { pagerduty: new PagerDutyOnCall(pagerduty.url, pagerduty.token) } : {}),
      ...(opsgenie.apiKey ? { opsgenie: new OpsgenieOnCall(opsgenie.url, opsgenie.apiKey) } : {}),
    },
    client,
  );
}
