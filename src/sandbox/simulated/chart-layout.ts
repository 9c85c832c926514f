import { GLYPH_HEIGHT, textWidth } from './chart-font';
import type { Rgb } from './chart-raster';
import { formatTick, niceTicks, timeTicks } from './chart-ticks';

/** What the capacity chart shows: per-period values against one provisioned capacity. */
export interface CapacityChart {
  /** Top line, e.g. the table name and what is plotted. */
  title: string;
  /** Caption over the y axis saying what one unit is. */
  unit: string;
  /** One value per period, oldest first, in the unit of the y axis. */
  values: number[];
  /** Start of the first period (ms since the epoch) and the period length. */
  startMs: number;
  periodSeconds: number;
  provisioned: number;
  /** Written on the provisioned-capacity line, e.g. "provisioned 50 WCU". */
  provisionedLabel: string;
  /** Legend text of each series. */
  legend: { consumed: string; over: string; provisioned: string };
}

/** The chart's colours (those of CloudWatch's default palette for the series). */
export const COLOURS = {
  consumed: [0x1f, 0x77, 0xb4],
  over: [0xff, 0x7f, 0x0e],
  provisioned: [0xd6, 0x27, 0x28],
  axis: [0x44, 0x44, 0x44],
  grid: [0xe4, 0xe4, 0xe4],
  text: [0x1d, 0x1c, 0x1d],
  muted: [0x61, 0x60, 0x61],
  background: [0xff, 0xff, 0xff],
} as const satisfies Record<string, Rgb>;

/** Text scale: the 5x8 font drawn at 2x stays readable when Slack shows the picture at half size. */
export const SCALE = 2;
const WIDTH = 720;
const HEIGHT = 360;
const MARGIN = 16;
const LINE = GLYPH_HEIGHT * SCALE;
// Capitals and digits use the glyph's top 7 rows: a tick label is centred on its tick by those.
const CAP_HEIGHT = (GLYPH_HEIGHT - 1) * SCALE;

/** A string placed with its top-left corner at (x, y). */
export interface Placed {
  text: string;
  x: number;
  y: number;
}

/** Where everything goes: computed once, used to draw and by tests to look at the right pixels. */
export interface ChartLayout {
  width: number;
  height: number;
  plot: { left: number; top: number; right: number; bottom: number };
  title: Placed;
  unit: Placed;
  timeZone: Placed;
  yTicks: (Placed & { value: number; lineY: number })[];
  xTicks: (Placed & { at: number; lineX: number })[];
  bars: { x0: number; x1: number; base: number; capped: number; top: number }[];
  provisioned: { lineY: number; label: Placed };
  legend: (Placed & { colour: Rgb; swatch: { x: number; y: number; w: number; h: number } })[];
  yOf(value: number): number;
}

/** Lays the chart out: axes from nice ticks over the data and the capacity, time ticks in UTC, legend at the bottom. */
export function layoutCapacityChart(c: CapacityChart): ChartLayout {
  // Capacity and consumption are never negative; a missing datapoint (NaN) draws as no bar.
  const values = c.values.map((v) => (Number.isFinite(v) ? Math.max(0, v) : 0));
  const capacity = Number.isFinite(c.provisioned) ? Math.max(0, c.provisioned) : 0;
  const { ticks, decimals } = niceTicks(0, Math.max(capacity, ...values), 5);
  const labels = ticks.map((t) => formatTick(t, decimals));
  const labelWidth = Math.max(textWidth('UTC', SCALE), ...labels.map((l) => textWidth(l, SCALE)));

  // The legend goes first, bottom up: it wraps onto more rows when the names are long.
  const left = MARGIN + labelWidth + 10;
  const legendRows = legendEntries(c, left);
  const legendTop = HEIGHT - MARGIN - legendRows.length * LINE - (legendRows.length - 1) * 8;
  const xLabelY = legendTop - LINE - 14;
  const plot = { left, top: MARGIN + 2 * LINE + 32, right: WIDTH - MARGIN - 4, bottom: xLabelY - 12 };
  const [lo, hi] = [ticks[0]!, ticks[ticks.length - 1]!];
  const yOf = (v: number): number => Math.round(plot.bottom - ((v - lo) / (hi - lo)) * (plot.bottom - plot.top));

  const periodMs = c.periodSeconds * 1000;
  const endMs = c.startMs + Math.max(1, values.length) * periodMs;
  const xOf = (ms: number): number => Math.round(plot.left + ((ms - c.startMs) / (endMs - c.startMs)) * (plot.right - plot.left));

  const timeZone = { text: 'UTC', x: MARGIN, y: xLabelY };
  let freeFrom = timeZone.x + textWidth(timeZone.text, SCALE) + 12;
  const xTicks: ChartLayout['xTicks'] = [];
  for (const t of timeTicks(c.startMs, endMs, 7)) {
    const w = textWidth(t.label, SCALE);
    const x = Math.min(WIDTH - MARGIN - w, xOf(t.at) - Math.round(w / 2));
    // A label that would overlap the previous one (or the UTC caption) is left out, its tick mark stays.
    const text = x >= freeFrom ? t.label : '';
    if (text) freeFrom = x + w + 12;
    xTicks.push({ text, x, y: xLabelY, at: t.at, lineX: xOf(t.at) });
  }

  const bars = values.map((v, i) => {
    const x0 = xOf(c.startMs + i * periodMs);
    const x1 = xOf(c.startMs + (i + 1) * periodMs);
    const gap = Math.max(1, Math.round((x1 - x0) * 0.12));
    return { x0: x0 + gap, x1: x1 - gap, base: yOf(0), capped: yOf(Math.min(v, capacity)), top: yOf(v) };
  });

  const lineY = yOf(capacity);
  const labelW = textWidth(c.provisionedLabel, SCALE);
  // On the line's right end, else its left end, above the line, else below it: the first place no bar covers.
  const spots = [lineY - 6 - LINE, lineY + 8].flatMap((y) => [plot.right - labelW - 6, plot.left + 8].map((x) => ({ x, y })));
  const fits = ({ x, y }: { x: number; y: number }): boolean =>
    y >= plot.top + 2 && y + LINE <= plot.bottom - 2 && !bars.some((b) => b.x1 > x - 4 && b.x0 < x + labelW + 4 && b.top < y + LINE + 3);
  const spot = spots.find(fits) ?? spots.find((p) => p.y >= plot.top + 2) ?? spots[2]!;
  const provisioned = { lineY, label: { text: c.provisionedLabel, ...spot } };

  const legend = legendRows.flatMap((row, i) => {
    const y = legendTop + i * (LINE + 8);
    let x = plot.left;
    return row.map(({ text, colour, line }) => {
      const swatch = line ? { x, y: y + LINE / 2 - 2, w: 18, h: 4 } : { x, y: y + 1, w: 14, h: 14 };
      const placed = { text, x: x + swatch.w + 8, y, colour, swatch };
      x = placed.x + textWidth(text, SCALE) + 28;
      return placed;
    });
  });

  return {
    width: WIDTH,
    height: HEIGHT,
    plot,
    title: { text: c.title, x: MARGIN, y: MARGIN },
    unit: { text: c.unit, x: MARGIN, y: MARGIN + LINE + 10 },
    timeZone,
    yTicks: ticks.map((value, i) => ({
      value,
      lineY: yOf(value),
      text: labels[i]!,
      x: plot.left - 10 - textWidth(labels[i]!, SCALE),
      y: yOf(value) - CAP_HEIGHT / 2,
    })),
    xTicks,
    bars,
    provisioned,
    legend,
    yOf,
  };
}

/** The legend's entries in rows that fit the picture's width. */
function legendEntries(c: CapacityChart, left: number): { text: string; colour: Rgb; line: boolean }[][] {
  const entries = [
    { text: c.legend.consumed, colour: COLOURS.consumed, line: false },
    { text: c.legend.over, colour: COLOURS.over, line: false },
    { text: c.legend.provisioned, colour: COLOURS.provisioned, line: true },
  ];
  const rows: (typeof entries)[] = [[]];
  let used = 0;
  for (const e of entries) {
    const w = (e.line ? 18 : 14) + 8 + textWidth(e.text, SCALE);
    if (used > 0 && left + used + w > WIDTH - MARGIN) {
      rows.push([]);
      used = 0;
    }
    rows[rows.length - 1]!.push(e);
    used += w + 28;
  }
  return rows;
}
