import type { CloudFormationActions } from '../../actions/cloudformation/types';
import type { GoCdActions } from '../../actions/gocd/gocd-actions';
import { serviceBaseUrl, type ServiceVersionActions } from '../../actions/service-health/service-version';

/** How long and how often the rollback waits and polls; tests shrink these. */
export interface RollbackTiming {
  /** SDK waiter settings for change set creation and stack updates (seconds). */
  waiter: { maxWaitSeconds: number; minDelaySeconds: number; maxDelaySeconds: number };
  /** How often stack events are read while an update runs. */
  eventsEveryMs: number;
  /** `/api/version` polling: `needed` new answers in the last `window` (both colors up); then a whole `settledWindow` (one color). */
  verify: { intervalMs: number; timeoutMs: number; needed: number; window: number; settledWindow: number };
  /** How many GoCD builds are read to find the deployed one and the last good one. */
  historyLimit: number;
}

export const DEFAULT_ROLLBACK_TIMING: RollbackTiming = {
  waiter: { maxWaitSeconds: 40 * 60, minDelaySeconds: 10, maxDelaySeconds: 30 },
  eventsEveryMs: 5000,
  verify: { intervalMs: 3000, timeoutMs: 10 * 60_000, needed: 3, window: 10, settledWindow: 5 },
  historyLimit: 25,
};

/** What the rollback runbooks need; CloudFormation and GoCD are undefined when not configured. */
export interface RollbackDeps {
  cfn?: CloudFormationActions;
  gocd?: GoCdActions;
  versions: ServiceVersionActions;
  /** Base URL of a service for `/api/version`, with `{service}` and `{shard}`. */
  serviceUrlTemplate?: string;
  /** The service's build pipeline, with `{service}`. */
  pipelineTemplate: string;
  toProdPipeline: string;
  timing: RollbackTiming;
}

/** The base URL of one service on one shard, or undefined when SERVICE_URL_TEMPLATE is not set. */
export function serviceUrl(deps: RollbackDeps, service: string, shard: string): string | undefined {
  return deps.serviceUrlTemplate === undefined ? undefined : serviceBaseUrl(deps.serviceUrlTemplate, service, shard);
}
