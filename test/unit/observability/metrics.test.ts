import { BackendError } from '../../../src/actions/http/errors';
import { createHealth } from '../../../src/observability/health';
import { instrumentAdapter } from '../../../src/observability/instrument-adapter';
import { approvalWaitSeconds, BotMetrics } from '../../../src/observability/metrics';
import { parsePrometheus, sampleValue } from '../../support/prometheus';
import { operationFixture, planFixture, stepFixture } from '../builders';

describe('approvalWaitSeconds', () => {
  const plan = planFixture([stepFixture('a', 'read-only'), stepFixture('b', 'mutating')]);

  it('measures the first gate from the plan being created', () => {
    const op = operationFixture(planFixture([stepFixture('a', 'mutating')]), {
      createdAt: '2026-11-24T10:00:00.000Z',
      approvals: [{ userId: 'UAPP', stepId: 'a', fingerprint: 'f', at: '2026-11-24T10:02:30.000Z' }],
    });
    expect(approvalWaitSeconds(op)).toBe(150);
  });

  it('measures a later gate from the previous step finishing, to the last approval of this step', () => {
    const op = operationFixture(plan, {
      currentStep: 1,
      createdAt: '2026-11-24T10:00:00.000Z',
      results: [
        {
          stepId: 'a',
          attempt: 1,
          outcome: 'succeeded',
          summary: '',
          details: [],
          externalIds: {},
          startedAt: '2026-11-24T10:00:00.000Z',
          finishedAt: '2026-11-24T10:01:00.000Z',
          durationMs: 60_000,
        },
      ],
      approvals: [
        { userId: 'U1', stepId: 'b', fingerprint: 'f', at: '2026-11-24T10:01:10.000Z' },
        { userId: 'U2', stepId: 'b', fingerprint: 'f', at: '2026-11-24T10:01:40.000Z' },
      ],
    });
    expect(approvalWaitSeconds(op)).toBe(40);
  });

  it('is undefined without an approval of the current step', () => {
    expect(approvalWaitSeconds(operationFixture(plan))).toBeUndefined();
  });
});

describe('instrumentAdapter', () => {
  const scrape = async (m: BotMetrics) => parsePrometheus(await m.registry.metrics());

  it('counts rejections by adapter and code, rethrows them unchanged, and leaves successes alone', async () => {
    const metrics = new BotMetrics({ defaultMetrics: false });
    const boom = new BackendError('Metapod', 'timeout', 'Metapod did not answer');
    const adapter = {
      calls: 0,
      ok(): Promise<string> {
        this.calls += 1; // `this` must still be the adapter
        return Promise.resolve('fine');
      },
      fails(): Promise<string> {
        return Promise.reject(boom);
      },
      throwsSync(): string {
        throw new Error('bug');
      },
    };
    const wrapped = instrumentAdapter(adapter, 'metapod', metrics);
    await expect(wrapped.ok()).resolves.toBe('fine');
    expect(adapter.calls).toBe(1);
    await expect(wrapped.fails()).rejects.toBe(boom);
    expect(() => wrapped.throwsSync()).toThrow('bug');
    const s = await scrape(metrics);
    expect(sampleValue(s, 'runbook_backend_errors_total', { adapter: 'metapod', code: 'timeout' })).toBe(1);
    expect(sampleValue(s, 'runbook_backend_errors_total', { adapter: 'metapod', code: 'unexpected' })).toBe(1);
    expect(s.filter((x) => x.name === 'runbook_backend_errors_total')).toHaveLength(2);
  });
});

describe('createHealth', () => {
  it('reports each dependency separately and caches the Slack API answer', async () => {
    let slackCalls = 0;
    const health = createHealth({
      store: () => Promise.reject(new Error('database is locked')),
      slackTransport: () => 'http',
      slackApi: () => {
        slackCalls += 1;
        return Promise.resolve();
      },
    });
    expect(await health.live()).toEqual({ ok: false, checks: { store: 'error: database is locked', slack: 'http' } });
    expect(await health.ready()).toEqual({ ok: false, checks: { store: 'error: database is locked', slack: 'http', slack_api: 'ok' } });
    await health.ready();
    expect(slackCalls).toBe(1);
  });

  it('gives up on a check that does not answer in time', async () => {
    const health = createHealth({
      store: () => new Promise(() => undefined),
      slackTransport: () => 'connected',
      slackApi: () => Promise.resolve(),
      timeoutMs: 20,
    });
    expect(await health.live()).toEqual({ ok: false, checks: { store: 'error: no answer within 0.02 s', slack: 'connected' } });
  });

  it('is unhealthy while Socket Mode reconnects, and does not call the Web API for it', async () => {
    const slackApi = jest.fn(() => Promise.resolve());
    const health = createHealth({ store: () => Promise.resolve(), slackTransport: () => 'reconnecting', slackApi });
    expect(await health.ready()).toEqual({ ok: false, checks: { store: 'ok', slack: 'reconnecting' } });
    expect(slackApi).not.toHaveBeenCalled();
  });
});
