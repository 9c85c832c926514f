import type { CloudWatchActions } from '../../actions/cloudwatch/cloudwatch-actions';
import type { DynamoDbActions, TableState } from '../../actions/dynamodb/dynamodb-actions';
import { BackendError } from '../../actions/http/errors';
import type { StepOutcome, StepRunContext } from '../../operations/runbook';
import type { PreviewLine } from '../../operations/types';
import { formatDuration } from '../../util/duration';
import { describeLine, MAX_DECREASES_PER_DAY, type CapacityLine } from './capacity';
import { capacityQueries, summarizeUsage, THROTTLE_METRICS } from './metrics';
import { sleep } from '../../util/sleep';

export interface ApplyDeps {
  dynamodb: DynamoDbActions;
  cloudwatch: CloudWatchActions;
  /** How long the throttle metrics are watched after the change. */
  watchMs: number;
  periodSeconds: number;
  /** Longest wait for the table to become ACTIVE again. */
  activeTimeoutMs: number;
}

/** UpdateTable, wait until ACTIVE, verify the capacity, then watch the throttle metrics. */
export async function applyCapacity(table: string, lines: CapacityLine[], deps: ApplyDeps, ctx: StepRunContext): Promise<StepOutcome> {
  const change = {
    table: lines.find((l) => l.kind === 'table')?.to,
    indexes: lines.filter((l) => l.kind === 'index').map((l) => ({ name: l.target, ...l.to })),
  };
  const requestedAt = new Date();
  try {
    await deps.dynamodb.updateCapacity(table, change, ctx.signal);
  } catch (err) {
    if (!(err instanceof BackendError)) throw err;
    return { ok: false, summary: refusalOf(err, table, ctx) };
  }
  await ctx.recordExternalId('updateRequestedAt', requestedAt.toISOString());

  const state = await waitUntilActive(deps.dynamodb, table, deps.activeTimeoutMs, ctx);
  const changes = lines.map((l) => ({ label: 'Change', value: describeLine(l) }));
  const wrong = lines.flatMap((l) => mismatch(state, l));
  if (wrong.length > 0) {
    return {
      ok: false,
      summary: `The table is ACTIVE but its capacity is not what was requested: ${wrong.join('; ')}. Someone else may have changed it; check the table before retrying.`,
      details: changes,
    };
  }
  const active = `Capacity is in place on \`${table}\` (ACTIVE after ${formatDuration(Date.now() - requestedAt.getTime())}).`;
  if (deps.watchMs <= 0) return { ok: true, summary: active, details: changes };

  const throttles = await watchThrottles(table, state, requestedAt, deps, ctx);
  const watched = formatDuration(deps.watchMs);
  const details: PreviewLine[] = [
    ...changes,
    { label: `Throttled requests in the ${watched} after the change`, value: `reads ${throttles.read}, writes ${throttles.write}` },
  ];
  if (throttles.read + throttles.write === 0) return { ok: true, summary: `${active} No throttling in the ${watched} watched after the change.`, details };
  return {
    ok: true,
    summary: `${active} Still throttling after the change (${throttles.read} reads, ${throttles.write} writes in ${watched}): the new capacity may need time, or the load is concentrated on a hot partition. Look at the chart again in a few minutes.`,
    details,
  };
}

function refusalOf(err: BackendError, table: string, ctx: StepRunContext): string {
  const decreases = (ctx.operation.plan.facts.decreasesToday as number | undefined) ?? 0;
  switch (err.code) {
    case 'limit_exceeded':
      return `DynamoDB refused to change \`${table}\`: a limit was reached. DynamoDB allows ${MAX_DECREASES_PER_DAY} capacity decreases per table per day (${decreases} used today) and caps capacity per account; ${err.message}`;
    case 'resource_busy':
      return `DynamoDB refused to change \`${table}\`: it is being updated (UPDATING). Nothing was changed. Wait until it is ACTIVE, then run the runbook again.`;
    case 'access_denied':
      return `${err.message} Nothing was changed.`;
    default:
      return err.message;
  }
}

function mismatch(state: TableState, l: CapacityLine): string[] {
  const actual = l.kind === 'table' ? state : state.indexes.find((i) => i.name === l.target);
  if (!actual) return [`GSI ${l.target} is gone`];
  const out: string[] = [];
  if (actual.read !== l.to.read) out.push(`${l.target} RCU is ${actual.read}, expected ${l.to.read}`);
  if (actual.write !== l.to.write) out.push(`${l.target} WCU is ${actual.write}, expected ${l.to.write}`);
  return out;
}

/** Polls DescribeTable (quickly at first, then every 5 s) until the table and its GSIs are ACTIVE. */
async function waitUntilActive(dynamodb: DynamoDbActions, table: string, timeoutMs: number, ctx: StepRunContext): Promise<TableState> {
  const started = Date.now();
  for (let delay = 100; ; delay = Math.min(5000, delay * 2)) {
    const state = await dynamodb.describeTable(table, ctx.signal);
    if (!state) throw new Error(`Table \`${table}\` disappeared while its capacity was being changed.`);
    if (state.status === 'ACTIVE' && state.indexes.every((i) => i.status === 'ACTIVE')) return state;
    if (Date.now() - started > timeoutMs)
      throw new Error(
        `Table \`${table}\` is still ${state.status} after ${formatDuration(timeoutMs)}. The change was requested; check the table in the console.`,
      );
    ctx.progress(`\`${table}\` is ${state.status} (${formatDuration(Date.now() - started)} so far)`);
    await sleep(delay, ctx.signal);
  }
}

/** Sums throttle events from the change until `watchMs` later, reporting progress on the way. */
async function watchThrottles(table: string, state: TableState, since: Date, deps: ApplyDeps, ctx: StepRunContext): Promise<{ read: number; write: number }> {
  const periodMs = deps.periodSeconds * 1000;
  const start = new Date(Math.floor(since.getTime() / periodMs) * periodMs);
  const until = since.getTime() + deps.watchMs;
  const every = Math.min(60_000, Math.max(100, Math.floor(deps.watchMs / 3)));
  let totals = { read: 0, write: 0 };
  for (;;) {
    await sleep(Math.max(0, Math.min(every, until - Date.now())), ctx.signal);
    const end = new Date(Math.max(Date.now(), start.getTime() + periodMs));
    const series = await deps.cloudwatch.getMetricData(capacityQueries(state, THROTTLE_METRICS), { start, end, periodSeconds: deps.periodSeconds }, ctx.signal);
    const usage = summarizeUsage(state, series, deps.periodSeconds);
    totals = { read: usage.reduce((a, u) => a + u.readThrottles, 0), write: usage.reduce((a, u) => a + u.writeThrottles, 0) };
    if (Date.now() >= until) return totals;
    ctx.progress(`watching throttles on \`${table}\`: ${totals.read} reads, ${totals.write} writes throttled since the change`);
  }
}
