import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { DescribeTableCommand, DynamoDBClient, UpdateTableCommand } from '@aws-sdk/client-dynamodb';
import pino from 'pino';
import { SdkCloudWatchActions } from '../../../src/actions/cloudwatch/cloudwatch-actions';
import { SdkDynamoDbActions, type DynamoDbActions } from '../../../src/actions/dynamodb/dynamodb-actions';
import { BackendError } from '../../../src/actions/http/errors';
import { UserFacingError, type StepOutcome, type StepRunContext } from '../../../src/operations/runbook';
import type { Operation, Plan, Step, StepResult } from '../../../src/operations/types';
import { runStepOf } from '../../../src/operations/step-kinds';
import { datomicCapacityRunbook, type DatomicSettings } from '../../../src/runbooks/datomic-capacity';
import type { DatomicInput } from '../../../src/runbooks/datomic/input';
import { startHttpServer, type LoopbackServer } from '../../../src/sandbox/fakes/http-server';
import { startCloudWatchFake, TINY_PNG, type CloudWatchFake } from '../../../src/sandbox/fakes/cloudwatch';
import { datomicTable, startDynalite, type LocalDynamo } from '../../support/dynalite';

const logger = pino({ level: 'silent' });
const NOW = new Date('2026-11-24T03:10:30Z');
const SETTINGS: DatomicSettings = { maxCapacity: 1000, lookbackMs: 3 * 3_600_000, watchMs: 0, region: 'us-east-1' };
const INPUT: DatomicInput = { service: 'analytics', env: 'prod', prototype: 's3' };
const TABLE = 'prod-s3-analytics-datomic';

function stepContext(step: Step, plan: Plan, progress: string[] = []): StepRunContext {
  const operation = { id: 'op-test0001', plan, results: [] } as unknown as Operation;
  return {
    operation,
    step,
    attempt: 1,
    logger,
    signal: new AbortController().signal,
    progress: (t) => progress.push(t),
    recordExternalId: () => Promise.resolve(),
  };
}

function resultOf(step: Step, outcome: StepOutcome): StepResult {
  const at = NOW.toISOString();
  return {
    stepId: step.id,
    attempt: 1,
    outcome: outcome.ok ? 'succeeded' : 'failed',
    summary: outcome.summary,
    details: outcome.details ?? [],
    externalIds: outcome.externalIds ?? {},
    startedAt: at,
    finishedAt: at,
    durationMs: 1,
  };
}

describe('datomic capacity runbook against dynalite and the CloudWatch fake (real SDK clients)', () => {
  let dynamo: LocalDynamo;
  let cw: CloudWatchFake;
  let cwClient: CloudWatchClient;
  const build = (settings: Partial<DatomicSettings> = {}, dynamodb: DynamoDbActions = new SdkDynamoDbActions(dynamo.client)) =>
    datomicCapacityRunbook({ dynamodb, cloudwatch: new SdkCloudWatchActions(cwClient) }, { ...SETTINGS, ...settings });
  const ctx = { logger, now: NOW, results: [] as StepResult[] };

  beforeEach(async () => {
    dynamo = await startDynalite();
    cw = await startCloudWatchFake();
    cwClient = new CloudWatchClient({ region: 'us-east-1', endpoint: cw.url, credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, maxAttempts: 1 });
  });
  afterEach(async () => {
    cwClient.destroy();
    await dynamo.close();
    await cw.close();
    cw.assertNoUnexpected();
  });

  it('says which table names it tried when there is no table', async () => {
    const err = await build()
      .buildPlan({ service: 'ghost', env: 'prod', prototype: 's0' }, ctx)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserFacingError);
    expect((err as Error).message).toBe(
      'No DynamoDB table found for service `ghost` in `prod`: tried `prod-s0-ghost-datomic` and `prod-ghost-datomic`. Check the service name, `--env` and `--prototype`.',
    );
  });

  it('finds the global table without its prototype and proposes nothing when nothing was throttled', async () => {
    await dynamo.createTable(datomicTable('prod-metapod-datomic'));
    const plan = await build().buildPlan({ service: 'metapod', env: 'prod', prototype: 'global' }, ctx);
    expect(plan.steps.map((s) => s.id)).toEqual(['diagnose']);
    expect(plan.summary).toMatch(/^No throttling on `prod-metapod-datomic` in the last 3 h: /);
    // The window ends at the last whole minute before now; table and GSI metrics were asked for.
    const body = cw.requests[0]!.body as { StartTime: number; EndTime: number; MetricDataQueries: { Id: string }[] };
    expect(new Date(body.EndTime * 1000).toISOString()).toBe('2026-11-24T03:10:00.000Z');
    expect(body.MetricDataQueries.map((q) => q.Id)).toEqual(['t_rt', 't_wt', 't_rc', 't_wc', 'g0_rt', 'g0_wt', 'g0_rc', 'g0_wc']);
  });

  it('proposes old -> new capacity from peak consumption with headroom, capped, and says the formula', async () => {
    await dynamo.createTable(datomicTable(TABLE, { read: 100, write: 50 }, { name: 'by-tx', read: 10, write: 5 }));
    cw.setSeries('WriteThrottleEvents', [0, 40, 12], { TableName: TABLE });
    cw.setSeries('ConsumedWriteCapacityUnits', [1200, 3000, 2400], { TableName: TABLE }); // peak 50/s
    cw.setSeries('ReadThrottleEvents', [3], { TableName: TABLE, GlobalSecondaryIndexName: 'by-tx' });
    cw.setSeries('ConsumedReadCapacityUnits', [60_000], { TableName: TABLE, GlobalSecondaryIndexName: 'by-tx' }); // peak 1000/s -> capped
    const plan = await build().buildPlan(INPUT, ctx);
    expect(plan.steps.map((s) => [s.id, s.risk])).toEqual([
      ['diagnose', 'read-only'],
      ['update-capacity', 'mutating'],
    ]);
    const preview = plan.steps[1]!.preview;
    expect(preview[0]!.value).toBe(`UpdateTable ${TABLE}\n  table: RCU 100 (unchanged), WCU 50 → 75\n  GSI by-tx: RCU 10 → 1000 (capped), WCU 5 (unchanged)`);
    expect(preview[1]!.value).toMatch(/new = min\(cap 1000, max\(⌈peak × 1.5⌉, ⌈current × 1.25⌉\)\)/);
    expect(plan.summary).toMatch(/^Throttling on `prod-s3-analytics-datomic`: raise/);
  });

  it('explains on-demand tables and proposes nothing', async () => {
    await dynamo.createTable({ ...datomicTable(TABLE, undefined, null), ProvisionedThroughput: undefined, BillingMode: 'PAY_PER_REQUEST' });
    cw.setSeries('WriteThrottleEvents', [7], { TableName: TABLE });
    const plan = await build().buildPlan(INPUT, ctx);
    expect(plan.steps.map((s) => s.id)).toEqual(['diagnose']);
    expect(plan.summary).toMatch(/on-demand \(PAY_PER_REQUEST\).*hot partition key/);
  });

  it('refuses when the capacity is already at the cap', async () => {
    await dynamo.createTable(datomicTable(TABLE, { read: 100, write: 1000 }, null));
    cw.setSeries('WriteThrottleEvents', [7], { TableName: TABLE });
    const plan = await build().buildPlan(INPUT, ctx);
    expect(plan.steps).toHaveLength(1);
    expect(plan.summary).toMatch(/the table WCU is already 1000, at or above the cap of 1000 .*DATOMIC_MAX_CAPACITY/);
  });

  it('refuses a busy (UPDATING) table', async () => {
    dynamo = await restartWithSlowUpdates(dynamo);
    await dynamo.createTable(datomicTable(TABLE));
    await dynamo.client.send(new UpdateTableCommand({ TableName: TABLE, ProvisionedThroughput: { ReadCapacityUnits: 101, WriteCapacityUnits: 50 } }));
    await expect(build().buildPlan(INPUT, ctx)).rejects.toThrow(
      /`prod-s3-analytics-datomic` is UPDATING: another change is in progress. Wait until it is ACTIVE/,
    );
    await dynamo.waitActive(TABLE);
  });

  it('maps AccessDenied to a message naming the missing permission', async () => {
    const denying = await denyingDynamo();
    try {
      const client = new DynamoDBClient({
        region: 'us-east-1',
        endpoint: denying.url,
        credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
        maxAttempts: 1,
      });
      const err = await build({}, new SdkDynamoDbActions(client))
        .buildPlan(INPUT, ctx)
        .catch((e: unknown) => e);
      client.destroy();
      expect(err).toBeInstanceOf(UserFacingError);
      expect((err as Error).message).toBe(
        "The bot is not allowed to call dynamodb:DescribeTable on table `prod-s3-analytics-datomic`. Ask whoever manages the bot's AWS role to grant `dynamodb:DescribeTable`.",
      );
    } finally {
      await denying.close();
    }
  });

  it('diagnoses with a chart, keeps the plan stable once diagnosed, then raises capacity and verifies it on the table', async () => {
    await dynamo.createTable(datomicTable(TABLE));
    cw.setSeries('WriteThrottleEvents', [0, 40], { TableName: TABLE });
    cw.setSeries('ConsumedWriteCapacityUnits', [3000, 6000], { TableName: TABLE }); // peak 100/s -> 150
    const runbook = build({ watchMs: 300 });
    const plan = await runbook.buildPlan(INPUT, ctx);

    const diagnose = plan.steps[0]!;
    const diag = await runStepOf(runbook, diagnose, INPUT, stepContext(diagnose, plan));
    expect(diag).toMatchObject({
      ok: true,
      summary: 'Throttling found on `prod-s3-analytics-datomic` in the last 3 h: 0 throttled reads, 40 throttled writes.',
      externalIds: { metricWindow: '2026-11-24T00:10:00.000Z/2026-11-24T03:10:00.000Z/60' },
    });
    expect(diag.details?.find((d) => d.label === 'Table')?.value).toMatch(
      /throttled reads 0, writes 40 · peak consumption 0 RCU\/s, 100 WCU\/s .* provisioned RCU 100, WCU 50/,
    );
    expect(diag.files?.[0]?.content.equals(TINY_PNG)).toBe(true);
    const widget = JSON.parse((cw.requests.find((r) => r.operation === 'GetMetricWidgetImage')!.body as { MetricWidget: string }).MetricWidget) as Record<
      string,
      unknown
    >;
    expect(widget).toMatchObject({ start: '2026-11-24T00:10:00.000Z', end: '2026-11-24T03:10:00.000Z', region: 'us-east-1' });

    // At the gate and before running, the plan comes from the diagnosed window: a later "now" changes nothing.
    const results = [resultOf(diagnose, diag)];
    const atGate = await runbook.buildPlan(INPUT, { logger, now: new Date(NOW.getTime() + 7 * 60_000), results });
    const beforeRun = await runbook.buildPlan(INPUT, { logger, now: new Date(NOW.getTime() + 20 * 60_000), results });
    expect(beforeRun.fingerprint).toBe(atGate.fingerprint);
    expect(atGate.steps[1]!.preview[0]!.value).toContain('WCU 50 → 150');

    cw.setSeries('WriteThrottleEvents', [0], { TableName: TABLE });
    const update = atGate.steps[1]!;
    const progress: string[] = [];
    const applied = await runStepOf(runbook, update, INPUT, stepContext(update, atGate, progress));
    expect(applied).toMatchObject({
      ok: true,
      summary: expect.stringMatching(/^Capacity is in place on `prod-s3-analytics-datomic` .* No throttling in the 300 ms watched after the change\.$/),
    });
    const described = await dynamo.client.send(new DescribeTableCommand({ TableName: TABLE }));
    expect(described.Table?.ProvisionedThroughput).toMatchObject({ ReadCapacityUnits: 100, WriteCapacityUnits: 150 });
    expect(described.Table?.TableStatus).toBe('ACTIVE');
  });

  it('raises a throttled GSI together with the table in one UpdateTable, and verifies both', async () => {
    await dynamo.createTable(datomicTable(TABLE, { read: 100, write: 50 }, { name: 'by-tx', read: 10, write: 5 }));
    cw.setSeries('ReadThrottleEvents', [4], { TableName: TABLE });
    cw.setSeries('ConsumedReadCapacityUnits', [9000], { TableName: TABLE }); // 150/s -> 225
    cw.setSeries('WriteThrottleEvents', [2], { TableName: TABLE, GlobalSecondaryIndexName: 'by-tx' });
    cw.setSeries('ConsumedWriteCapacityUnits', [600], { TableName: TABLE, GlobalSecondaryIndexName: 'by-tx' }); // 10/s -> 15
    const runbook = build();
    const plan = await runbook.buildPlan(INPUT, ctx);
    expect(plan.steps[1]!.preview[0]!.value).toBe(
      `UpdateTable ${TABLE}\n  table: RCU 100 → 225, WCU 50 (unchanged)\n  GSI by-tx: RCU 10 (unchanged), WCU 5 → 15`,
    );
    const out = await runStepOf(runbook, plan.steps[1]!, INPUT, stepContext(plan.steps[1]!, plan));
    expect(out).toMatchObject({ ok: true, summary: expect.stringMatching(/^Capacity is in place/) });
    const t = (await dynamo.client.send(new DescribeTableCommand({ TableName: TABLE }))).Table!;
    expect(t.ProvisionedThroughput).toMatchObject({ ReadCapacityUnits: 225, WriteCapacityUnits: 50 });
    expect(t.GlobalSecondaryIndexes?.[0]?.ProvisionedThroughput).toMatchObject({ ReadCapacityUnits: 10, WriteCapacityUnits: 15 });
  });

  it('still diagnoses when the chart cannot be rendered', async () => {
    await dynamo.createTable(datomicTable(TABLE));
    cw.failNext('GetMetricWidgetImage', 'InternalServiceFault', 500);
    const runbook = build();
    const plan = await runbook.buildPlan(INPUT, ctx);
    const out = await runStepOf(runbook, plan.steps[0]!, INPUT, stepContext(plan.steps[0]!, plan));
    expect(out.ok).toBe(true);
    expect(out.files).toBeUndefined();
    expect(out.details?.find((d) => d.label === 'Chart')?.value).toMatch(/^not available: CloudWatch failed cloudwatch:GetMetricWidgetImage/);
  });

  it('explains a LimitExceeded refusal of UpdateTable and changes nothing', async () => {
    await dynamo.createTable(datomicTable(TABLE));
    cw.setSeries('WriteThrottleEvents', [5], { TableName: TABLE });
    const real = new SdkDynamoDbActions(dynamo.client);
    const limited: DynamoDbActions = {
      describeTable: (n, s) => real.describeTable(n, s),
      updateCapacity: () =>
        Promise.reject(
          new BackendError(
            'DynamoDB',
            'limit_exceeded',
            'DynamoDB refused dynamodb:UpdateTable on table `x`: a limit was reached (Subscriber limit exceeded).',
          ),
        ),
    };
    const runbook = build({}, limited);
    const plan = await runbook.buildPlan(INPUT, ctx);
    const out = await runStepOf(runbook, plan.steps[1]!, INPUT, stepContext(plan.steps[1]!, plan));
    expect(out.ok).toBe(false);
    expect(out.summary).toMatch(/DynamoDB allows 27 capacity decreases per table per day \(0 used today\)/);
  });

  it('refuses a stored capacity step whose lines are missing, naming the step and the field, and calls no UpdateTable', async () => {
    await dynamo.createTable(datomicTable(TABLE));
    cw.setSeries('WriteThrottleEvents', [5], { TableName: TABLE });
    const real = new SdkDynamoDbActions(dynamo.client);
    const updates: string[] = [];
    const recording: DynamoDbActions = {
      describeTable: (n, s) => real.describeTable(n, s),
      updateCapacity: (n, c, s) => {
        updates.push(n);
        return real.updateCapacity(n, c, s);
      },
    };
    const runbook = build({}, recording);
    const plan = await runbook.buildPlan(INPUT, ctx);
    const stored: Step = { ...plan.steps[1]!, action: { kind: 'dynamodb.updateCapacity', params: { table: TABLE } } };
    const out = await runStepOf(runbook, stored, INPUT, stepContext(stored, plan));
    expect(out.ok).toBe(false);
    expect(out.summary).toContain('Step `update-capacity` (dynamodb.updateCapacity) has invalid parameters: field `lines`');
    const negative: Step = {
      ...plan.steps[1]!,
      action: {
        kind: 'dynamodb.updateCapacity',
        params: { table: TABLE, lines: [{ target: 'table', kind: 'table', from: { read: 1, write: 1 }, to: { read: -5, write: 1 }, capped: [] }] },
      },
    };
    expect((await runStepOf(runbook, negative, INPUT, stepContext(negative, plan))).summary).toContain('field `lines.0.to.read`');
    expect(updates).toEqual([]);
    const t = (await dynamo.client.send(new DescribeTableCommand({ TableName: TABLE }))).Table!;
    expect(t.ProvisionedThroughput).toMatchObject({ ReadCapacityUnits: 100, WriteCapacityUnits: 50 });
  });

  it('refuses a stored diagnosis whose metric window is not a window, and reads no metrics', async () => {
    await dynamo.createTable(datomicTable(TABLE));
    const runbook = build();
    const plan = await runbook.buildPlan(INPUT, ctx);
    const before = cw.requests.length;
    const stored: Step = { ...plan.steps[0]!, action: { kind: 'datomic.diagnose', params: { table: TABLE, window: { start: 'yesterday', end: 'now' } } } };
    const out = await runStepOf(runbook, stored, INPUT, stepContext(stored, plan));
    expect(out).toMatchObject({ ok: false });
    expect(out.summary).toContain('Step `diagnose` (datomic.diagnose) has invalid parameters: field `window.start`');
    expect(cw.requests.length).toBe(before);
  });
});

async function restartWithSlowUpdates(old: LocalDynamo): Promise<LocalDynamo> {
  await old.close();
  return startDynalite({ updateTableMs: 1000 });
}

/** A DynamoDB endpoint that denies everything, as IAM does (awsJson1_0 error body, HTTP 400). */
function denyingDynamo(): Promise<LoopbackServer> {
  return startHttpServer((_req, res) => {
    res.writeHead(400, { 'content-type': 'application/x-amz-json-1.0' }).end(
      JSON.stringify({
        __type: 'com.amazon.coral.service#AccessDeniedException',
        message: 'User: arn:aws:sts::123456789012:assumed-role/runbook-bot is not authorized to perform: dynamodb:DescribeTable',
      }),
    );
  });
}
