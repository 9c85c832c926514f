import type { TableState } from '../../../src/actions/dynamodb/dynamodb-actions';
import { proposeCapacity, tableCandidates, type Usage } from '../../../src/runbooks/datomic/capacity';
import { parseDatomic } from '../../../src/runbooks/datomic-capacity';
import { parseWindow, windowEndingAt, formatWindow } from '../../../src/runbooks/datomic/metrics';

describe('parseDatomic', () => {
  it.each([
    [['analytics'], { service: 'analytics', env: 'prod' }],
    [['Analytics', '--env', 'staging', '--prototype', 'S3'], { service: 'analytics', env: 'staging', prototype: 's3' }],
    [['--prototype=global', 'metapod'], { service: 'metapod', env: 'prod', prototype: 'global' }],
  ])('accepts %j', (args, value) => {
    expect(parseDatomic(args)).toEqual({ ok: true, value });
  });

  it.each([
    [[], /^Give the service, like `analytics`/],
    [['a', 'b'], /^Unexpected word after the service: `b`/],
    [['analytics', '--prototype'], /`--prototype` needs a value/],
    [['analytics', '--prototype', 's3;rm'], /is not a prototype: use `s0`/],
    [['analytics', '--env', 'prod', '--env', 'x'], /`--env` is given twice/],
    [['analytics', '--force'], /Unknown option `--force`/],
    [['ana<lytics>'], /`ana&lt;lytics&gt;` is not a service name/],
  ])('refuses %j with a clear message', (args, error) => {
    const res = parseDatomic(args);
    expect(res.ok).toBe(false);
    expect(!res.ok && res.error).toMatch(error);
  });
});

describe('table names and capacity proposals', () => {
  it('tries the prototype name first, and the short name for s0 and global', () => {
    expect(tableCandidates({ service: 'analytics', env: 'prod', prototype: 's3' })).toEqual(['prod-s3-analytics-datomic']);
    expect(tableCandidates({ service: 'metapod', env: 'prod', prototype: 'global' })).toEqual(['prod-global-metapod-datomic', 'prod-metapod-datomic']);
    expect(tableCandidates({ service: 'metapod', env: 'prod' })).toEqual(['prod-metapod-datomic']);
  });

  const table: TableState = { name: 't', status: 'ACTIVE', billingMode: 'PROVISIONED', read: 100, write: 100, decreasesToday: 0, indexes: [] };
  const usage = (u: Partial<Usage>): Usage => ({
    target: 'table',
    kind: 'table',
    current: { read: 100, write: 100 },
    readThrottles: 0,
    writeThrottles: 0,
    peakRead: 0,
    peakWrite: 0,
    ...u,
  });
  const policy = { maxCapacity: 400, headroom: 1.5, minStep: 1.25 };

  it('raises only the throttled direction, at least by the minimum step, never down', () => {
    // Peak 40/s x 1.5 = 60 is below the current 100: the minimum step (x1.25) wins.
    expect(proposeCapacity(table, [usage({ readThrottles: 3, peakRead: 40 })], policy).lines).toEqual([
      { target: 'table', kind: 'table', from: { read: 100, write: 100 }, to: { read: 125, write: 100 }, capped: [] },
    ]);
    expect(proposeCapacity(table, [usage({ writeThrottles: 1, peakWrite: 200 })], policy).lines[0]!.to).toEqual({ read: 100, write: 300 });
    expect(proposeCapacity(table, [usage({ writeThrottles: 1, peakWrite: 1000 })], policy).lines[0]).toMatchObject({
      to: { read: 100, write: 400 },
      capped: ['write'],
    });
    expect(proposeCapacity(table, [usage({})], policy)).toEqual({ lines: [] });
  });

  it('windows end on a whole period and survive a round trip through the stored string', () => {
    const w = windowEndingAt(new Date('2026-11-24T03:10:59.999Z'), 3_600_000, 60);
    expect(w).toEqual({ start: '2026-11-24T02:10:00.000Z', end: '2026-11-24T03:10:00.000Z', periodSeconds: 60 });
    expect(parseWindow(formatWindow(w))).toEqual(w);
    expect(parseWindow('2026-11-24T02:10:00.000Z/nope/60')).toBeUndefined();
  });
});
