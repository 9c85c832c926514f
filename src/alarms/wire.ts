import type { Registry } from 'prom-client';
import { awsClientConfig } from '../actions/aws/client-config';
import { SdkCloudWatchActions, type CloudWatchActions } from '../actions/cloudwatch/cloudwatch-actions';
import type { Config } from '../config';
import type { RunbookRegistry } from '../operations/runbook';
import { AlarmDefinitions, type DescribeAlarm } from './alarm-definitions';
import { defaultRoutes } from './default-routes';
import type { AlarmPipeline } from './pipeline';
import { compileRoutes } from './routes';
import { UnroutedAlarms } from './unrouted';

// Alarms name their region; one client per region, created when first needed (a handful at most).
const MAX_REGIONS = 8;

/** The alarm pipeline of a deployment: configured routes then built-in ones, CloudWatch per region, the unrouted list. */
export function wireAlarmPipeline(
  config: Config,
  deps: {
    runbooks: RunbookRegistry;
    registry?: Registry;
    cloudwatch?: CloudWatchActions;
    instrument?: <T extends object>(a: T, name: string) => T;
    onClose: (fn: () => Promise<void>) => void;
  },
): AlarmPipeline & { unrouted: UnroutedAlarms } {
  const routes = compileRoutes(config.file.alarms.routes, defaultRoutes({ dagaoDagId: config.airflow.dagaoDagId }));
  const base = awsClientConfig(config, 'cloudwatch');
  const clients = new Map<string, CloudWatchActions>();
  const clientFor = (region: string | undefined): CloudWatchActions => {
    // An injected adapter (tests) answers for every region.
    if (deps.cloudwatch) return deps.cloudwatch;
    const r = region ?? base.region;
    let client = clients.get(r);
    if (!client) {
      if (clients.size >= MAX_REGIONS) throw new Error(`alarms from more than ${MAX_REGIONS} regions; ${r} is not read`);
      const sdk = new SdkCloudWatchActions({ ...base, region: r, maxAttempts: 1 });
      deps.onClose(() => Promise.resolve(sdk.close()));
      client = deps.instrument ? deps.instrument(sdk, 'cloudwatch') : sdk;
      clients.set(r, client);
    }
    return client;
  };
  const describe: DescribeAlarm = async (name, region, signal) => {
    const client = clientFor(region);
    if (!client.describeAlarm) throw new Error('this CloudWatch adapter cannot describe alarms');
    return client.describeAlarm(name, signal);
  };
  return { routes, runbooks: deps.runbooks, definitions: new AlarmDefinitions(describe), unrouted: new UnroutedAlarms(deps.registry) };
}
