import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { formatTick, hhmmUtc, niceTicks, timeTicks } from '../../../src/sandbox/simulated/chart-ticks';

/** The invariants every axis must keep: increasing by one round step, covering the range, at most `max` intervals. */
function expectGoodAxis(min: number, max: number, maxIntervals = 5): number[] {
  const { ticks, step } = niceTicks(min, max, maxIntervals);
  const mantissa = step / 10 ** Math.floor(Math.log10(step));
  expect([1, 2, 2.5, 5].some((n) => Math.abs(n - mantissa) < 1e-9)).toBe(true);
  expect(ticks[0]).toBeLessThanOrEqual(Math.min(min, max));
  expect(ticks[ticks.length - 1]).toBeGreaterThanOrEqual(Math.max(min, max));
  expect(ticks.length - 1).toBeLessThanOrEqual(maxIntervals);
  expect(ticks.length).toBeGreaterThanOrEqual(2);
  ticks.slice(1).forEach((t, i) => expect(Math.abs(t - ticks[i]! - step)).toBeLessThan(step * 1e-9));
  return ticks;
}

describe('nice ticks for the value axis', () => {
  it.each([
    [0, 100, [0, 20, 40, 60, 80, 100]],
    [0, 1200, [0, 250, 500, 750, 1000, 1250]],
    [0, 7, [0, 2, 4, 6, 8]],
    [0, 1, [0, 0.2, 0.4, 0.6, 0.8, 1]],
    [0, 0, [0, 0.2, 0.4, 0.6, 0.8, 1]],
    [50, 50, [40, 45, 50, 55, 60]],
    [-50, 50, [-50, -25, 0, 25, 50]],
    [3, 7, [3, 4, 5, 6, 7]],
    [0, 3e12, [0, 1e12, 2e12, 3e12]],
    [0, 0.003, [0, 0.001, 0.002, 0.003]],
  ])('%p..%p gives %p', (min, max, expected) => {
    expect(expectGoodAxis(min, max)).toEqual(expected);
  });

  it('keeps its invariants over many ranges, from tiny to huge', () => {
    let seed = 7;
    const random = (): number => (seed = (seed * 48271) % 2147483647) / 2147483647;
    for (let i = 0; i < 500; i += 1) {
      const scale = 10 ** Math.floor(random() * 30 - 10);
      const a = random() * scale;
      const b = a + random() * scale * 3;
      expectGoodAxis(a, b, 2 + Math.floor(random() * 6));
    }
  });

  it('makes an axis of bad input instead of failing: NaN and Infinity count as 0, reversed ends are swapped', () => {
    expect(niceTicks(Number.NaN, Number.POSITIVE_INFINITY).ticks).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(niceTicks(100, 0).ticks).toEqual([0, 20, 40, 60, 80, 100]);
  });

  it('labels ticks with the decimals the step needs, thousands separators, and short forms for millions and up', () => {
    const { ticks, decimals } = niceTicks(0, 1);
    expect(ticks.map((t) => formatTick(t, decimals))).toEqual(['0.0', '0.2', '0.4', '0.6', '0.8', '1.0']);
    expect(niceTicks(0, 0.5).ticks.map((t) => formatTick(t, niceTicks(0, 0.5).decimals))).toEqual(['0.0', '0.1', '0.2', '0.3', '0.4', '0.5']);
    expect(formatTick(0.25, 2)).toBe('0.25');
    expect([1200, 999_999, 1_000, 12, -1500].map((v) => formatTick(v))).toEqual(['1,200', '999,999', '1,000', '12', '-1,500']);
    expect([1_500_000, 2e9, 3e12, 1.234e7].map((v) => formatTick(v))).toEqual(['1.5M', '2G', '3T', '12.3M']);
  });
});

describe('time ticks', () => {
  it('labels whole minutes in UTC, HH:MM, at one round step, increasing', () => {
    const ticks = timeTicks(Date.parse('2026-12-06T03:01:30Z'), Date.parse('2026-12-06T03:10:00Z'), 7);
    expect(ticks.map((t) => t.label)).toEqual(['03:02', '03:04', '03:06', '03:08', '03:10']);
    ticks.forEach((t) => expect(t.label).toBe(new Date(t.at).toISOString().slice(11, 16)));
  });

  it('widens the step for long windows and crosses midnight in UTC', () => {
    const day = timeTicks(Date.parse('2026-12-05T21:00:00Z'), Date.parse('2026-12-06T03:00:00Z'), 7);
    expect(day.map((t) => t.label)).toEqual(['21:00', '22:00', '23:00', '00:00', '01:00', '02:00', '03:00']);
    const threeHours = timeTicks(Date.parse('2026-12-06T00:10:00Z'), Date.parse('2026-12-06T03:10:00Z'), 7);
    expect(threeHours.map((t) => t.label)).toEqual(['00:30', '01:00', '01:30', '02:00', '02:30', '03:00']);
    expect(hhmmUtc(Date.parse('2026-12-06T09:05:59Z'))).toBe('09:05');
  });

  it('gives the same UTC labels on a machine in another time zone', () => {
    // Jest's process.env is a copy, so the zone is set for a child node running the same module.
    const code = `const { timeTicks } = require('./src/sandbox/simulated/chart-ticks');
      process.stdout.write(JSON.stringify([new Date(0).getTimezoneOffset(), timeTicks(Date.parse('2026-12-06T03:01:30Z'), Date.parse('2026-12-06T03:06:00Z'), 7).map((t) => t.label)]));`;
    const out = execFileSync(process.execPath, ['--import', 'tsx', '-e', code], {
      cwd: join(__dirname, '..', '..', '..'),
      env: { ...process.env, TZ: 'Asia/Tokyo' },
    });
    expect(JSON.parse(out.toString())).toEqual([-540, ['03:02', '03:03', '03:04', '03:05', '03:06']]);
  });
});
