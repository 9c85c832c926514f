/** Value ticks for an axis: evenly spaced round numbers from `ticks[0]` <= min to the last >= max. */
export interface ValueTicks {
  step: number;
  ticks: number[];
  /** Digits after the decimal point every tick label needs (0 for whole steps). */
  decimals: number;
}

// Steps a reader can add up in their head: 1, 2, 2.5 and 5 times a power of ten.
const NICE = [1, 2, 2.5, 5, 10];

/**
 * Round-number ticks covering [min, max] with at most `maxIntervals` intervals (0..1200 gives 0, 250 ... 1250).
 * A flat or empty range still gets an axis: 0..0 becomes 0..1, v..v spans v's own magnitude.
 */
export function niceTicks(min: number, max: number, maxIntervals = 5): ValueTicks {
  let lo = Number.isFinite(min) ? min : 0;
  let hi = Number.isFinite(max) ? max : 0;
  if (lo > hi) [lo, hi] = [hi, lo];
  if (hi === lo) {
    const pad = lo === 0 ? 1 : 10 ** Math.floor(Math.log10(Math.abs(lo)));
    [lo, hi] = lo >= 0 ? [Math.max(0, lo - pad), hi + pad] : [lo - pad, Math.min(0, hi + pad)];
  }
  const intervals = Math.max(1, Math.floor(maxIntervals));
  const raw = (hi - lo) / intervals;
  let power = 10 ** Math.floor(Math.log10(raw));
  // The smallest nice step giving at most `intervals` intervals once both ends are rounded outwards.
  for (let i = NICE.findIndex((n) => n * power >= raw * (1 - 1e-9)); ; i += 1) {
    if (i >= NICE.length) [i, power] = [1, power * 10];
    const step = NICE[i]! * power;
    const first = Math.floor(lo / step + 1e-9);
    const last = Math.ceil(hi / step - 1e-9);
    if (last - first > intervals) continue;
    const decimals = Math.max(0, -Math.floor(Math.log10(step) + 1e-9) + (NICE[i] === 2.5 ? 1 : 0));
    const ticks = Array.from({ length: last - first + 1 }, (_, k) => Number(((first + k) * step).toFixed(Math.min(20, decimals))));
    return { step, ticks, decimals };
  }
}

/** A tick label: thousands separated by commas, millions and up shortened (1.5M, 2G, 3T). */
export function formatTick(value: number, decimals = 0): string {
  const abs = Math.abs(value);
  for (const [size, suffix] of [
    [1e12, 'T'],
    [1e9, 'G'],
    [1e6, 'M'],
  ] as const) {
    if (abs >= size) return `${Number((value / size).toPrecision(3))}${suffix}`;
  }
  const [whole, fraction] = abs.toFixed(decimals).split('.') as [string, string?];
  let grouped = whole;
  for (let at = whole.length - 3; at > 0; at -= 3) grouped = `${grouped.slice(0, at)},${grouped.slice(at)}`;
  return `${value < 0 ? '-' : ''}${grouped}${fraction ? `.${fraction}` : ''}`;
}

/** Time ticks on whole UTC minutes/hours: the tick instants (ms) and their HH:MM labels in UTC. */
export function timeTicks(startMs: number, endMs: number, maxTicks = 6): { at: number; label: string }[] {
  const minutes = [1, 2, 5, 10, 15, 20, 30, 60, 120, 180, 360, 720, 1440];
  const span = Math.max(0, endMs - startMs);
  const stepMin = minutes.find((m) => span / (m * 60_000) <= Math.max(1, maxTicks - 1)) ?? Math.ceil(span / 60_000 / Math.max(1, maxTicks - 1));
  const step = stepMin * 60_000;
  const out: { at: number; label: string }[] = [];
  for (let at = Math.ceil(startMs / step) * step; at <= endMs; at += step) out.push({ at, label: hhmmUtc(at) });
  return out;
}

/** HH:MM of an instant in UTC, whatever the machine's time zone. */
export function hhmmUtc(ms: number): string {
  const d = new Date(ms);
  return `${String(d.getUTCHours()).padStart(2, '0')}:${String(d.getUTCMinutes()).padStart(2, '0')}`;
}
