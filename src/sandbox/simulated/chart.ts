import { textWidth } from './chart-font';
import { COLOURS, layoutCapacityChart, SCALE, type CapacityChart, type ChartLayout } from './chart-layout';
import { encodePng } from './chart-png';
import { Raster } from './chart-raster';

export type { CapacityChart } from './chart-layout';

/**
 * The sandbox's capacity chart as a PNG: consumed capacity per period as bars (the part above the
 * provisioned capacity in orange), the provisioned capacity as a labelled red line, axes with units,
 * UTC times and a legend. Drawn pixel by pixel: the picture the simulated CloudWatch answers for
 * GetMetricWidgetImage, where the real one renders the bot's widget.
 */
export function capacityChartPng(chart: CapacityChart): Buffer {
  const { raster } = drawCapacityChart(chart);
  return encodePng(raster.width, raster.height, raster.pixels);
}

/** The chart drawn on a raster, with the layout it followed. */
export function drawCapacityChart(chart: CapacityChart): { raster: Raster; layout: ChartLayout } {
  const layout = layoutCapacityChart(chart);
  const { plot } = layout;
  const r = new Raster(layout.width, layout.height);

  r.text(layout.title.x, layout.title.y, layout.title.text, COLOURS.text, SCALE, true);
  r.text(layout.unit.x, layout.unit.y, layout.unit.text, COLOURS.muted, SCALE);

  for (const t of layout.yTicks) {
    r.rect(plot.left, t.lineY, plot.right, t.lineY + 1, COLOURS.grid);
    r.rect(plot.left - 5, t.lineY, plot.left, t.lineY + 1, COLOURS.axis);
    r.text(t.x, t.y, t.text, COLOURS.text, SCALE);
  }
  for (const b of layout.bars) {
    r.rect(b.x0, b.capped, b.x1, b.base, COLOURS.consumed);
    if (b.top < b.capped) r.rect(b.x0, b.top, b.x1, b.capped, COLOURS.over);
  }
  r.rect(plot.left - 1, plot.top, plot.left + 1, plot.bottom + 1, COLOURS.axis);
  r.rect(plot.left, plot.bottom, plot.right, plot.bottom + 2, COLOURS.axis);
  for (const t of layout.xTicks) {
    r.rect(t.lineX, plot.bottom + 2, t.lineX + 2, plot.bottom + 7, COLOURS.axis);
    if (t.text) r.text(t.x, t.y, t.text, COLOURS.text, SCALE);
  }
  r.text(layout.timeZone.x, layout.timeZone.y, layout.timeZone.text, COLOURS.muted, SCALE);

  const { lineY, label } = layout.provisioned;
  r.rect(plot.left, lineY - 1, plot.right, lineY + 1, COLOURS.provisioned);
  // A white box behind the label keeps it readable where it crosses a bar.
  r.rect(label.x - 4, label.y - 3, label.x + textWidth(label.text, SCALE) + 4, label.y + 8 * SCALE + 3, COLOURS.background);
  r.text(label.x, label.y, label.text, COLOURS.provisioned, SCALE, true);

  for (const l of layout.legend) {
    r.rect(l.swatch.x, l.swatch.y, l.swatch.x + l.swatch.w, l.swatch.y + l.swatch.h, l.colour);
    r.text(l.x, l.y, l.text, COLOURS.text, SCALE);
  }
  return { raster: r, layout };
}
