import { z } from 'zod';
import { provisionedLabel } from '../../runbooks/datomic/chart-widget';
import { capacityChartPng } from './chart';

// The part of the bot's metric widget the sandbox's picture follows (the rest is CloudWatch's business).
const Widget = z.object({
  end: z.iso.datetime().optional(),
  annotations: z.object({ horizontal: z.array(z.object({ label: z.string().optional(), value: z.number() })).optional() }).optional(),
});

/**
 * What the sandbox's CloudWatch draws for GetMetricWidgetImage: the simulation's write consumption
 * (Sums per minute, oldest first) ending at the widget's `end`, against the provisioned WCU line the bot
 * annotated (the table's capacity when the widget has none). Only the write side: that is what throttles here.
 */
export function datomicChart(table: string, consumedPerMinute: number[], currentWcu: () => number, now = () => Date.now()): (widget: unknown) => Buffer {
  return (widget) => {
    const parsed = Widget.safeParse(widget);
    const w = parsed.success ? parsed.data : {};
    const endMs = w.end ? Date.parse(w.end) : Math.floor(now() / 60_000) * 60_000;
    const wcu = w.annotations?.horizontal?.find((a) => a.label === provisionedLabel(a.value, 'WCU'))?.value ?? currentWcu();
    return capacityChartPng({
      title: `${table}: write capacity`,
      unit: 'WCU/s (Sum per minute / 60 s)',
      values: consumedPerMinute.map((v) => v / 60),
      startMs: endMs - consumedPerMinute.length * 60_000,
      periodSeconds: 60,
      provisioned: wcu,
      provisionedLabel: provisionedLabel(wcu, 'WCU'),
      legend: { consumed: 'consumed WCU/s', over: 'over capacity', provisioned: 'provisioned' },
    });
  };
}
