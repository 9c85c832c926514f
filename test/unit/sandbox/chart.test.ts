import { chartWidget } from '../../../src/runbooks/datomic/chart-widget';
import { capacityChartPng, type CapacityChart } from '../../../src/sandbox/simulated/chart';
import { GLYPH_HEIGHT, hasGlyph, textWidth } from '../../../src/sandbox/simulated/chart-font';
import { COLOURS, layoutCapacityChart, SCALE, type ChartLayout } from '../../../src/sandbox/simulated/chart-layout';
import { Raster, type Rgb } from '../../../src/sandbox/simulated/chart-raster';
import { datomicChart } from '../../../src/sandbox/simulated/datomic-chart';
import { decodePng, type DecodedPng } from './png-decode';

const hex = (c: Rgb): string => Buffer.from(c).toString('hex');
const WHITE = hex(COLOURS.background);

// The sandbox's burst: write Sums per minute, shown per second against 50 WCU.
const CHART: CapacityChart = {
  title: 'prod-s3-analytics-datomic: write capacity',
  unit: 'WCU/s (Sum per minute / 60 s)',
  values: [900, 1100, 1000, 1300, 2400, 6000, 5400, 2400].map((v) => v / 60),
  startMs: Date.parse('2026-12-06T03:02:00Z'),
  periodSeconds: 60,
  provisioned: 50,
  provisionedLabel: 'provisioned 50 WCU',
  legend: { consumed: 'consumed WCU/s', over: 'over capacity', provisioned: 'provisioned' },
};

/**
 * Asserts `text` is drawn at (x, y): every pixel our font sets for it (rendered alone into a blank
 * raster) has `colour` in the picture. With `clean`, the rest of the text's box is background, so
 * nothing is drawn over it. Returns how many pixels the text sets.
 */
function expectText(png: DecodedPng, text: string, x: number, y: number, colour: Rgb, { bold = false, clean = false } = {}): number {
  const alone = new Raster(png.width, png.height);
  alone.text(x, y, text, colour, SCALE, bold);
  let set = 0;
  const wrong: string[] = [];
  for (let py = y; py < y + GLYPH_HEIGHT * SCALE; py += 1)
    for (let px = x; px < x + textWidth(text, SCALE) + (bold ? 1 : 0); px += 1) {
      const want = hex(alone.at(px, py)) === hex(colour);
      if (want) set += 1;
      if (want ? png.hex(px, py) !== hex(colour) : clean && png.hex(px, py) !== WHITE) wrong.push(`${px},${py}=${png.hex(px, py)}`);
    }
  expect({ text, wrong: wrong.slice(0, 5) }).toEqual({ text, wrong: [] });
  expect(set).toBeGreaterThan(text.replace(/ /g, '').length * 4);
  return set;
}

describe('the sandbox capacity chart', () => {
  const png = decodePng(capacityChartPng(CHART));
  const layout: ChartLayout = layoutCapacityChart(CHART);

  it('is a well-formed 720x360 RGB PNG that our decoder reads back', () => {
    expect([png.width, png.height]).toEqual([720, 360]);
    expect(png.chunkTypes).toEqual(['IHDR', 'IDAT', 'IEND']);
  });

  it('titles the chart with the table and states the unit over the y axis', () => {
    expectText(png, CHART.title, layout.title.x, layout.title.y, COLOURS.text, { bold: true, clean: true });
    expectText(png, 'WCU/s (Sum per minute / 60 s)', layout.unit.x, layout.unit.y, COLOURS.muted, { clean: true });
    expect(layout.unit.y + GLYPH_HEIGHT * SCALE).toBeLessThan(layout.yTicks.at(-1)!.y);
  });

  it('labels the y axis with round numbers from 0 to the top of the data, each at its grid line', () => {
    expect(layout.yTicks.map((t) => t.text)).toEqual(['0', '20', '40', '60', '80', '100']);
    const ys = layout.yTicks.map((t) => t.lineY);
    ys.slice(1).forEach((y, i) => expect(y).toBeLessThan(ys[i]!));
    expect(ys[0]).toBe(layout.plot.bottom);
    expect(ys.at(-1)).toBe(layout.plot.top);
    for (const t of layout.yTicks) {
      expectText(png, t.text, t.x, t.y, COLOURS.text, { clean: true });
      // Right-aligned against the axis, vertically centred on the tick.
      expect(t.x + textWidth(t.text, SCALE)).toBe(layout.plot.left - 10);
      expect(png.hex(layout.plot.left - 3, t.lineY)).toBe(hex(COLOURS.axis));
    }
  });

  it('labels the x axis with UTC times of the data, HH:MM, increasing left to right, and says UTC', () => {
    const labelled = layout.xTicks.filter((t) => t.text);
    expect(labelled.map((t) => t.text)).toEqual(['03:04', '03:06', '03:08', '03:10']);
    labelled.forEach((t) => expect(t.text).toBe(new Date(t.at).toISOString().slice(11, 16)));
    labelled.slice(1).forEach((t, i) => expect(t.x).toBeGreaterThan(labelled[i]!.x + textWidth(labelled[i]!.text, SCALE)));
    for (const t of labelled) expectText(png, t.text, t.x, t.y, COLOURS.text, { clean: true });
    expectText(png, 'UTC', layout.timeZone.x, layout.timeZone.y, COLOURS.muted, { clean: true });
    expect(png.hex(layout.xTicks[0]!.lineX, layout.plot.bottom + 4)).toBe(hex(COLOURS.axis));
  });

  it('draws the provisioned capacity as a red line across the plot, labelled with its value where no bar hides it', () => {
    const { lineY, label } = layout.provisioned;
    expect(lineY).toBe(layout.yOf(50));
    for (const x of [layout.plot.left + 2, Math.round((layout.plot.left + layout.plot.right) / 2), layout.plot.right - 1])
      expect(png.hex(x, lineY)).toBe(hex(COLOURS.provisioned));
    expect(label.text).toBe('provisioned 50 WCU');
    expectText(png, label.text, label.x, label.y, COLOURS.provisioned, { bold: true, clean: true });
    expect(label.y + GLYPH_HEIGHT * SCALE).toBeLessThan(lineY);
  });

  it('colours consumption up to the capacity blue and the part over it orange', () => {
    const bars = layout.bars;
    expect(bars).toHaveLength(8);
    const mid = (b: (typeof bars)[number]): number => Math.round((b.x0 + b.x1) / 2);
    // 6000 per minute is 100 WCU/s: blue below the line, orange from the line to the top.
    const peak = bars[5]!;
    expect(png.hex(mid(peak), layout.yOf(25))).toBe(hex(COLOURS.consumed));
    expect(png.hex(mid(peak), layout.yOf(75))).toBe(hex(COLOURS.over));
    expect(png.hex(mid(peak), layout.yOf(99))).toBe(hex(COLOURS.over));
    // 900 per minute is 15 WCU/s: blue up to 15, nothing above.
    expect(png.hex(mid(bars[0]!), layout.yOf(14))).toBe(hex(COLOURS.consumed));
    expect(png.hex(mid(bars[0]!), layout.yOf(17))).not.toBe(hex(COLOURS.consumed));
    // Bars stay in order left to right with a gap between them.
    bars.slice(1).forEach((b, i) => expect(b.x0).toBeGreaterThan(bars[i]!.x1));
  });

  it('has a legend naming each series next to a swatch of its colour', () => {
    expect(layout.legend.map((l) => [l.text, hex(l.colour)])).toEqual([
      ['consumed WCU/s', hex(COLOURS.consumed)],
      ['over capacity', hex(COLOURS.over)],
      ['provisioned', hex(COLOURS.provisioned)],
    ]);
    for (const l of layout.legend) {
      const { x, y, w, h } = l.swatch;
      for (const [px, py] of [
        [x, y],
        [x + w - 1, y + h - 1],
        [x + Math.floor(w / 2), y + Math.floor(h / 2)],
      ])
        expect(png.hex(px!, py!)).toBe(hex(l.colour));
      expect(png.hex(x - 2, y)).toBe(WHITE);
      expectText(png, l.text, l.x, l.y, COLOURS.text, { clean: true });
      expect(l.x).toBeGreaterThan(x + w);
      expect(l.y).toBeGreaterThan(layout.xTicks[0]!.y + GLYPH_HEIGHT * SCALE);
      expect(l.x + textWidth(l.text, SCALE)).toBeLessThanOrEqual(png.width - 16);
    }
  });

  it('has a glyph for every character the chart writes, so none falls back to "?"', () => {
    const texts = [CHART.title, CHART.unit, CHART.provisionedLabel, ...Object.values(CHART.legend), 'UTC', '0123456789,.:'];
    expect(texts.flatMap((t) => [...t]).filter((ch) => !hasGlyph(ch))).toEqual([]);
  });

  it('wraps a legend too wide for one row and keeps the plot above it', () => {
    const long = { ...CHART, legend: { consumed: 'consumed write capacity units per second', over: 'consumed over capacity', provisioned: 'provisioned' } };
    const l = layoutCapacityChart(long);
    expect(new Set(l.legend.map((e) => e.y)).size).toBeGreaterThan(1);
    for (const e of l.legend) expect(e.x + textWidth(e.text, SCALE)).toBeLessThanOrEqual(l.width - 16);
    expect(l.plot.bottom).toBeLessThan(Math.min(...l.legend.map((e) => e.y)));
  });

  it('draws missing datapoints as no bar and a bad capacity at 0, without failing', () => {
    const l = layoutCapacityChart({ ...CHART, values: [Number.NaN, 30, Number.POSITIVE_INFINITY], provisioned: Number.NaN });
    expect(l.bars.map((b) => b.top === b.base)).toEqual([true, false, true]);
    expect(l.provisioned.lineY).toBe(l.plot.bottom);
    expect(l.yTicks.map((t) => t.text)).toEqual(['0', '10', '20', '30']);
    expect(decodePng(capacityChartPng({ ...CHART, values: [], provisioned: 0 })).width).toBe(720);
  });

  it('labels the line below itself when it runs along the top of the plot', () => {
    const l = layoutCapacityChart({ ...CHART, values: [1, 2, 3], provisioned: 1000, provisionedLabel: 'provisioned 1,000 WCU' });
    expect(l.yTicks.at(-1)!.value).toBe(1000);
    expect(l.provisioned.label.y).toBeGreaterThan(l.provisioned.lineY);
  });
});

describe('the sandbox CloudWatch picture of the bot widget', () => {
  const table = {
    name: 'prod-s3-analytics-datomic',
    status: 'ACTIVE',
    billingMode: 'PROVISIONED' as const,
    read: 100,
    write: 1000,
    decreasesToday: 0,
    indexes: [],
  };
  const window = { start: '2026-12-06T00:10:00.000Z', end: '2026-12-06T03:10:00.000Z', periodSeconds: 60 };

  it("draws the provisioned WCU the bot annotated and ends at the widget's end", () => {
    const widget = JSON.parse(JSON.stringify(chartWidget(table, 'sa-east-1', window))) as unknown;
    const png = decodePng(datomicChart(table.name, [60_000, 30_000], () => 7)(widget));
    const layout = layoutCapacityChart({
      ...CHART,
      values: [1000, 500],
      provisioned: 1000,
      provisionedLabel: 'provisioned 1,000 WCU',
      startMs: Date.parse('2026-12-06T03:08:00Z'),
    });
    expectText(png, 'provisioned 1,000 WCU', layout.provisioned.label.x, layout.provisioned.label.y, COLOURS.provisioned, { bold: true, clean: true });
    expect(layout.yTicks.map((t) => t.text)).toEqual(['0', '200', '400', '600', '800', '1,000']);
    const top = layout.yTicks.at(-1)!;
    expectText(png, '1,000', top.x, top.y, COLOURS.text, { clean: true });
    expect(layout.xTicks.filter((t) => t.text).at(-1)!.text).toBe('03:10');
    const last = layout.xTicks.filter((t) => t.text).at(-1)!;
    expectText(png, '03:10', last.x, last.y, COLOURS.text, { clean: true });
  });

  it("falls back to the table's capacity when the widget has no provisioned line (an on-demand table)", () => {
    const widget = JSON.parse(JSON.stringify(chartWidget({ ...table, billingMode: 'PAY_PER_REQUEST' }, 'sa-east-1', window))) as unknown;
    const png = decodePng(datomicChart(table.name, [600, 300], () => 7)(widget));
    const layout = layoutCapacityChart({
      ...CHART,
      values: [10, 5],
      provisioned: 7,
      provisionedLabel: 'provisioned 7 WCU',
      startMs: Date.parse('2026-12-06T03:08:00Z'),
    });
    expectText(png, 'provisioned 7 WCU', layout.provisioned.label.x, layout.provisioned.label.y, COLOURS.provisioned, { bold: true, clean: true });
  });
});
