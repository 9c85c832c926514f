import type { z } from 'zod';
import type { AlarmDetails } from '../alarms/types';
import type { CloudWatchActions } from '../actions/cloudwatch/cloudwatch-actions';
import type { DynamoDbActions, TableState } from '../actions/dynamodb/dynamodb-actions';
import { makePlan } from '../operations/fingerprint';
import { UserFacingError, type PlanContext, type Runbook, type StepOutcome, type StepRunContext } from '../operations/runbook';
import type { PreviewLine, Step } from '../operations/types';
import { stepKind } from '../operations/step-kinds';
import { formatDuration } from '../util/duration';
import { applyCapacity } from './datomic/apply';
import {
  DEFAULT_POLICY,
  describeFormula,
  describeLine,
  proposeCapacity,
  tableCandidates,
  type CapacityLine,
  type CapacityPolicy,
  type Usage,
} from './datomic/capacity';
import { DatomicArgs, DatomicInput, datomicInputOf } from './datomic/input';
import { DiagnoseParams, UpdateCapacityParams } from './datomic/step-params';
import { defineRunbook, type RunbookHooks } from './define';
import { datomicTarget } from './history/targets';
import { datomicTableInWords, datomicTableParts } from './names/resource-names';
import { chartWidget } from './datomic/chart-widget';
import { capacityQueries, formatWindow, MetricCache, parseWindow, summarizeUsage, windowEndingAt, type MetricWindow } from './datomic/metrics';
import { rethrowAsUserFacing } from './backend-text';

export interface DatomicSettings {
  maxCapacity: number;
  /** How far back the diagnosis looks. */
  lookbackMs: number;
  /** How long throttles are watched after a change (0: not watched). */
  watchMs: number;
  region: string;
  periodSeconds?: number;
}

export interface DatomicAdapters {
  dynamodb?: DynamoDbActions;
  cloudwatch?: CloudWatchActions;
}

const NAME = 'datomic';

/** "Dealing with Datomic self-destructs": diagnose DynamoDB throttling, then raise capacity with approval. */
export const datomic = defineRunbook({
  name: NAME,
  title: 'Datomic self-destruct: DynamoDB capacity',
  requires: ['dynamodb', 'cloudwatch', 'datomicSettings'],
  args: DatomicArgs,
  input: DatomicInput,
  toInput: datomicInputOf,
  pure: () => ({ fromAlarm: datomicFromAlarm }),
  create: (a) => datomicHooks(a, a.datomicSettings),
});

/** Parses `datomic <service> [--env <env>] [--prototype <p>]` (the generated parser). */
export const parseDatomic = datomic.parse;

/** The Datomic runbook on these clients (a missing one: listed, refusing with the "not configured" text). */
export function datomicCapacityRunbook(adapters: DatomicAdapters, settings: DatomicSettings): Runbook<DatomicInput> {
  return datomic.create({ ...adapters, datomicSettings: settings });
}

/** The input this runbook proposes for a Datomic self-destruct or a throttling alarm on a Datomic table. */
function datomicFromAlarm(alarm: AlarmDetails): DatomicInput | undefined {
  if (alarm.state !== 'ALARM') return undefined;
  if (alarm.kind === 'datomic-self-destruct')
    return { service: alarm.service, env: alarm.env ?? 'prod', ...(alarm.prototype ? { prototype: alarm.prototype } : {}) };
  // A throttling alarm on a Datomic table names the table: `$env-[$prototype-]$service-datomic`.
  const tableName = alarm.kind === 'cloudwatch' && alarm.metric?.namespace === 'AWS/DynamoDB' ? alarm.metric.dimensions.TableName : undefined;
  const m = tableName ? /^([a-z][a-z0-9]{0,15})-(?:(s\d{1,3}|global)-)?([a-z][a-z0-9-]{0,62}?)-datomic$/.exec(tableName) : null;
  if (!m) return undefined;
  const parsed = DatomicInput.safeParse({ service: m[3], env: m[1], ...(m[2] ? { prototype: m[2] } : {}) });
  return parsed.success ? parsed.data : undefined;
}

function datomicHooks(adapters: DatomicAdapters, settings: DatomicSettings): RunbookHooks<DatomicInput> {
  const policy: CapacityPolicy = { ...DEFAULT_POLICY, maxCapacity: settings.maxCapacity };
  const period = settings.periodSeconds ?? 60;
  const cache = new MetricCache();
  const backends = (): { dynamodb: DynamoDbActions; cloudwatch: CloudWatchActions } => {
    if (!adapters.dynamodb || !adapters.cloudwatch)
      throw new UserFacingError('The Datomic runbook is disabled: no AWS clients are configured.', 'not_configured');
    return { dynamodb: adapters.dynamodb, cloudwatch: adapters.cloudwatch };
  };

  const findTable = async (input: DatomicInput, signal?: AbortSignal): Promise<TableState> => {
    const tried = tableCandidates(input);
    for (const name of tried) {
      const table = await humane(backends().dynamodb.describeTable(name, signal));
      if (table) return table;
    }
    throw new UserFacingError(
      `No DynamoDB table found for service \`${input.service}\` in \`${input.env}\`: tried ${tried.map((n) => `\`${n}\``).join(' and ')}. Check the service name, \`--env\` and \`--prototype\`.`,
      'table_not_found',
    );
  };

  const diagnose = async (input: DatomicInput, window: MetricWindow, signal?: AbortSignal): Promise<{ table: TableState; usage: Usage[] }> => {
    const table = await findTable(input, signal);
    const series = await humane(cache.get(backends().cloudwatch, capacityQueries(table), window, signal));
    return { table, usage: summarizeUsage(table, series, window.periodSeconds) };
  };

  return {
    targetOf: datomicTarget,
    stepTimeoutMs: 30 * 60_000 + settings.watchMs,

    async buildPlan(input, ctx: PlanContext) {
      const done = ctx.results.find((r) => r.stepId === 'diagnose' && r.outcome === 'succeeded');
      // Once diagnosed, the plan is computed from the same (closed) window, so approvals stay bound to what people saw.
      const window = parseWindow(done?.externalIds.metricWindow) ?? windowEndingAt(ctx.now, settings.lookbackMs, period);
      const { table, usage } = await diagnose(input, window);
      const busy = [table, ...table.indexes].filter((t) => t.status !== 'ACTIVE');
      if (busy.length > 0) {
        throw new UserFacingError(
          `Table \`${table.name}\` is ${table.status}${table.indexes.some((i) => i.status !== 'ACTIVE') ? ' (a GSI is being changed)' : ''}: another change is in progress. Wait until it is ACTIVE, then run \`/runbook datomic ${input.service}\` again.`,
          'table_busy',
        );
      }
      const proposal = proposeCapacity(table, usage, policy);
      const steps: Step[] = [diagnoseStep(table, window, usage.length - 1)];
      if (proposal.lines.length > 0) steps.push(updateStep(table, proposal.lines, policy, period, settings.watchMs));
      const throttled = usage.some((u) => u.readThrottles + u.writeThrottles > 0);
      const summary = !throttled
        ? `No throttling on \`${table.name}\` in the last ${span(settings.lookbackMs)}: the self-destructs have another cause (look at the transactor logs). Nothing to change.`
        : proposal.refusal
          ? `Throttling on \`${table.name}\`, but nothing is proposed: ${proposal.refusal}`
          : `Throttling on \`${table.name}\`: raise its provisioned capacity (${proposal.lines.map(describeLine).join('; ')}).`;
      return makePlan({
        runbook: NAME,
        // Names, not ids: whose database this is, from the table naming convention.
        title: `Datomic capacity of ${datomicTableParts(table.name)?.service ?? table.name} (${table.name})`,
        summary: `${summary} \`${table.name}\` holds ${datomicTableInWords(table.name)}.`,
        steps,
        facts: {
          table: table.name,
          billingMode: table.billingMode,
          capacity: { read: table.read, write: table.write, indexes: table.indexes.map((i) => [i.name, i.read, i.write]) },
          decreasesToday: table.decreasesToday,
          window: formatWindow(window),
          usage,
          proposal,
          maxCapacity: policy.maxCapacity,
        },
      });
    },

    steps: [
      stepKind({ kind: 'datomic.diagnose', params: DiagnoseParams, run: (p, input: DatomicInput, ctx) => runDiagnosis(p.window, input, ctx) }),
      stepKind({
        kind: 'dynamodb.updateCapacity',
        params: UpdateCapacityParams,
        run: (p, _input: DatomicInput, ctx) =>
          applyCapacity(p.table, p.lines, { ...backends(), watchMs: settings.watchMs, periodSeconds: period, activeTimeoutMs: 20 * 60_000 }, ctx),
      }),
    ],
  };

  async function runDiagnosis(window: MetricWindow, input: DatomicInput, ctx: StepRunContext): Promise<StepOutcome> {
    const { table, usage } = await diagnose(input, window, ctx.signal);
    const details = findings(table, usage, period);
    const outcome: StepOutcome = {
      ok: true,
      summary: verdict(table, usage, settings.lookbackMs),
      details,
      externalIds: { metricWindow: formatWindow(window) },
    };
    try {
      const png = await backends().cloudwatch.getMetricWidgetImage(chartWidget(table, settings.region, window), ctx.signal);
      outcome.files = [
        {
          filename: `${table.name}-capacity.png`,
          title: `${table.name}: throttles and consumed capacity`,
          content: png,
          altText: `CloudWatch chart of throttles and consumed capacity of ${table.name}`,
        },
      ];
    } catch (err) {
      // The chart helps, but the numbers above are the diagnosis: a missing chart must not fail it.
      details.push({ label: 'Chart', value: `not available: ${err instanceof Error ? err.message : String(err)}` });
    }
    return outcome;
  }
}

function diagnoseStep(table: TableState, window: MetricWindow, gsis: number): Step {
  return {
    id: 'diagnose',
    title: `Diagnose throttling on \`${table.name}\``,
    risk: 'read-only',
    preview: [
      {
        label: 'Calls',
        value: `DescribeTable ${table.name}\nGetMetricData ReadThrottleEvents, WriteThrottleEvents, ConsumedReadCapacityUnits, ConsumedWriteCapacityUnits\n  (table${gsis > 0 ? ` and ${gsis} GSI${gsis === 1 ? '' : 's'}` : ''}, ${window.start} to ${window.end}, ${window.periodSeconds} s periods)\nGetMetricWidgetImage (chart posted in this thread)`,
        code: true,
      },
    ],
    explanation: 'Reads only. Frequent Datomic self-destructs usually mean the DynamoDB table behind the database is throttled.',
    verification: 'The findings and the chart are posted in this thread.',
    action: { kind: 'datomic.diagnose', params: { table: table.name, window } satisfies z.input<typeof DiagnoseParams> },
  };
}

function updateStep(table: TableState, lines: CapacityLine[], policy: CapacityPolicy, period: number, watchMs: number): Step {
  return {
    id: 'update-capacity',
    title: `Raise provisioned capacity of \`${table.name}\``,
    risk: 'mutating',
    preview: [
      { label: 'Request', value: `UpdateTable ${table.name}\n${lines.map((l) => `  ${describeLine(l)}`).join('\n')}`, code: true },
      { label: 'Formula', value: describeFormula(policy, period) },
    ],
    explanation:
      'DynamoDB applies the change online: the table shows UPDATING for a few minutes, with no downtime. Decreasing capacity later is limited per day, so raises are never undone automatically.',
    verification: `DescribeTable shows ACTIVE with the new capacity${watchMs > 0 ? `; then the throttle metrics are watched for ${formatDuration(watchMs)} and the result is posted` : ''}.`,
    action: { kind: 'dynamodb.updateCapacity', params: { table: table.name, lines } satisfies z.input<typeof UpdateCapacityParams> },
  };
}

function findings(table: TableState, usage: Usage[], period: number): PreviewLine[] {
  const lines: PreviewLine[] = [
    { label: 'Billing mode', value: table.billingMode === 'PAY_PER_REQUEST' ? 'on-demand (PAY_PER_REQUEST)' : 'provisioned' },
    { label: 'Status', value: table.status },
    { label: 'Capacity decreases today', value: String(table.decreasesToday) },
  ];
  for (const u of usage) {
    const who = u.kind === 'table' ? 'Table' : `GSI ${u.target}`;
    const provisioned = table.billingMode === 'PAY_PER_REQUEST' ? '' : ` · provisioned RCU ${u.current.read}, WCU ${u.current.write}`;
    lines.push({
      label: who,
      value: `throttled reads ${u.readThrottles}, writes ${u.writeThrottles} · peak consumption ${u.peakRead} RCU/s, ${u.peakWrite} WCU/s (per ${period} s period)${provisioned}`,
    });
  }
  return lines;
}

function verdict(table: TableState, usage: Usage[], lookbackMs: number): string {
  const reads = usage.reduce((a, u) => a + u.readThrottles, 0);
  const writes = usage.reduce((a, u) => a + u.writeThrottles, 0);
  const over = `in the last ${span(lookbackMs)}`;
  if (reads + writes === 0) return `No throttled requests on \`${table.name}\` ${over}.`;
  const onDemand = table.billingMode === 'PAY_PER_REQUEST' ? ' The table is on-demand: see the plan for what that means.' : '';
  return `Throttling found on \`${table.name}\` ${over}: ${reads} throttled reads, ${writes} throttled writes.${onDemand}`;
}

/** A configured span for people: whole hours as `3 h`, anything else as formatDuration does. */
function span(ms: number): string {
  return ms % 3_600_000 === 0 ? `${ms / 3_600_000} h` : formatDuration(ms);
}

/** Backend failures during planning become messages for people. */
async function humane<T>(p: Promise<T>): Promise<T> {
  try {
    return await p;
  } catch (err) {
    rethrowAsUserFacing('', err);
  }
}
