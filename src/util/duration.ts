const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Parses `250ms`, `90s`, `30m`, `2h`, `1d` (or a bare number of seconds) into milliseconds. */
export function parseDuration(text: string): number | undefined {
  const match = /^(\d{1,9})(ms|s|m|h|d)?$/.exec(text.trim());
  if (!match) return undefined;
  return Number(match[1]) * UNITS[match[2] ?? 's']!;
}

/** Formats milliseconds for people: `850 ms`, `12.3 s`, `4 min 10 s`. */
export function formatDuration(ms: number): string {
  // Round once, then choose the unit, so 59.96 s reads "1 min" and not "60.0 s".
  if (Math.round(ms) < 1000) return `${Math.round(ms)} ms`;
  const tenths = Math.round(ms / 100);
  if (tenths < 600) return `${(tenths / 10).toFixed(1)} s`;
  const totalSeconds = Math.round(ms / 1000);
  const minutes = Math.floor(totalSeconds / 60);
  const secs = totalSeconds % 60;
  return secs === 0 ? `${minutes} min` : `${minutes} min ${secs} s`;
}
