import type { CloudFormationActions, StackInfo } from '../../actions/cloudformation/types';
import type { GoCdActions } from '../../actions/gocd/gocd-actions';
import { UserFacingError } from '../../operations/runbook';
import { readBlueGreen, stackNameFor, type BlueGreen } from './blue-green';
import { rethrowAsUserFacing } from '../backend-text';

/** A service's stack on one shard, as read now. */
export interface StackState {
  stack: string;
  shard: string;
  status: string;
  parameters: Record<string, string>;
  bg: BlueGreen;
}

/** Lookup failures become refusals the engineer can read; anything else is a bug and stays an error. */
export async function lookup<T>(what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    rethrowAsUserFacing(`Could not ${what}`, err);
  }
}

/** Stacks to roll back: the named shards, else the global stack, else every shard found. */
export async function resolveStacks(cfn: CloudFormationActions, service: string, shards: string[]): Promise<{ shard: string; info: StackInfo }[]> {
  const shardPattern = new RegExp(`^prod-(.+)-k-${service}$`);
  const foundShards = async (): Promise<string[]> =>
    (await lookup('list the stacks', () => cfn.listStackNames(shardPattern))).map((n) => shardPattern.exec(n)![1]!).filter((s) => s !== 'global');
  if (shards.length > 0) {
    const infos = await Promise.all(shards.map((s) => lookup(`read stack ${stackNameFor(service, s)}`, () => cfn.describeStack(stackNameFor(service, s)))));
    const missing = shards.filter((_, i) => infos[i] === undefined);
    if (missing.length > 0) {
      const found = await foundShards();
      throw new UserFacingError(
        `\`${service}\` has no stack on shard${missing.length > 1 ? 's' : ''} ${missing.map((s) => `\`${s}\``).join(', ')} (looked for ${missing.map((s) => `\`${stackNameFor(service, s)}\``).join(', ')}). ${found.length > 0 ? `Shards found: ${found.map((s) => `\`${s}\``).join(', ')}.` : 'It has no sharded stacks.'}`,
        'unknown_shard',
      );
    }
    return shards.map((shard, i) => ({ shard, info: infos[i]! }));
  }
  const global = await lookup(`read stack ${stackNameFor(service, 'global')}`, () => cfn.describeStack(stackNameFor(service, 'global')));
  if (global) return [{ shard: 'global', info: global }];
  const found = await foundShards();
  if (found.length === 0) {
    throw new UserFacingError(
      `Unknown service \`${service}\`: there is no stack \`${stackNameFor(service, 'global')}\` and no \`prod-SHARD-k-${service}\` stack. Check the name.`,
      'unknown_service',
    );
  }
  const infos = await Promise.all(found.map((s) => lookup(`read stack ${stackNameFor(service, s)}`, () => cfn.describeStack(stackNameFor(service, s)))));
  return found.flatMap((shard, i) => (infos[i] ? [{ shard, info: infos[i] }] : []));
}

/** Reads the stacks and refuses when one is being changed or has no Blue/Green parameters. */
export async function readStacks(cfn: CloudFormationActions, service: string, shards: string[]): Promise<StackState[]> {
  const stacks = await resolveStacks(cfn, service, shards);
  const busy = stacks.filter((s) => s.info.status.endsWith('_IN_PROGRESS'));
  if (busy.length > 0) {
    throw new UserFacingError(
      `${busy.map((s) => `\`${s.info.name}\` is ${s.info.status}`).join(', ')}. A stack is being changed right now: wait until it is done (and make sure nobody else is deploying) before rolling back.`,
      'stack_in_progress',
    );
  }
  return stacks.map(({ shard, info }) => ({
    stack: info.name,
    shard,
    status: info.status,
    parameters: info.parameters,
    bg: readBlueGreen(info.name, info.parameters),
  }));
}

/** Refuses while a `to-prod` run is going: its deploy would race with the rollback. */
export async function refuseWhileToProdRuns(gocd: GoCdActions, pipeline: string): Promise<void> {
  const running = await lookup(`ask GoCD whether \`${pipeline}\` is running`, () => gocd.runningRuns(pipeline));
  if (running.length > 0) {
    const run = running[0]!;
    throw new UserFacingError(
      `A \`${pipeline}\` run is in progress on GoCD (#${run.counter}${run.scheduledAt ? `, started ${run.scheduledAt}` : ''}): ${gocd.historyPageUrl(pipeline)}. Its deploy would race with the rollback: wait until it finishes, then try again.`,
      'to_prod_running',
    );
  }
}
