import { ConfigError, loadConfig } from '../../src/config';

describe('datomic runbook configuration', () => {
  it('has defaults for the cap, the lookback and the watch', () => {
    expect(loadConfig({}).datomic).toEqual({ maxCapacity: 40_000, lookbackMs: 3 * 3_600_000, watchMs: 5 * 60_000 });
  });

  it('reads the variables', () => {
    expect(loadConfig({ DATOMIC_MAX_CAPACITY: '5000', DATOMIC_LOOKBACK: '6h', DATOMIC_WATCH: '90s' }).datomic).toEqual({
      maxCapacity: 5000,
      lookbackMs: 6 * 3_600_000,
      watchMs: 90_000,
    });
  });

  it('names every bad variable', () => {
    let err: unknown;
    try {
      loadConfig({ DATOMIC_MAX_CAPACITY: 'lots', DATOMIC_LOOKBACK: '3 weeks', DATOMIC_WATCH: '2d' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).problems.map((p) => p.split(':')[0])).toEqual(['DATOMIC_MAX_CAPACITY', 'DATOMIC_LOOKBACK', 'DATOMIC_WATCH']);
  });
});
