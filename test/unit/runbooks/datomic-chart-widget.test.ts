import type { TableState } from '../../../src/actions/dynamodb/dynamodb-actions';
import { chartWidget, provisionedLabel } from '../../../src/runbooks/datomic/chart-widget';

// The widget JSON follows "GetMetricWidgetImage: Metric Widget Structure and Syntax" (CloudWatch API reference):
// metric arrays with a rendering-options object, metric math `[{ expression, id, ... }]`, `annotations.horizontal`,
// `yAxis.left/right` with `label`, `min` and `showUnits`, and `legend.position`.
const TABLE: TableState = {
  name: 'prod-s3-analytics-datomic',
  status: 'ACTIVE',
  billingMode: 'PROVISIONED',
  read: 100,
  write: 1000,
  decreasesToday: 0,
  indexes: [],
};
const WINDOW = { start: '2026-11-24T00:10:00.000Z', end: '2026-11-24T03:10:00.000Z', periodSeconds: 60 };

type Options = { id?: string; expression?: string; label?: string; visible?: boolean; yAxis?: string; color?: string };
const optionsOf = (row: unknown[]): Options => row[row.length - 1] as Options;

describe('the capacity chart widget the bot asks CloudWatch to draw', () => {
  const widget = chartWidget(TABLE, 'sa-east-1', WINDOW) as {
    metrics: unknown[][];
    annotations?: { horizontal: { label: string; value: number; yAxis: string; color: string }[] };
    yAxis: { left: { label: string }; right: { label: string } };
    legend: { position: string };
  };

  it('plots consumed capacity per second (the Sum per period divided by the period), on the axis of the provisioned lines', () => {
    const byId = new Map(widget.metrics.map((row) => [optionsOf(row).id, row]));
    // The raw Sums feed the expressions but are not drawn: a Sum per minute is 60 times the per-second rate.
    expect(byId.get('wc')!.slice(0, 4)).toEqual(['AWS/DynamoDB', 'ConsumedWriteCapacityUnits', 'TableName', TABLE.name]);
    expect(optionsOf(byId.get('wc')!).visible).toBe(false);
    expect(optionsOf(byId.get('rc')!).visible).toBe(false);
    expect(optionsOf(byId.get('wcps')!)).toMatchObject({ expression: 'wc / PERIOD(wc)', label: 'consumed WCU/s', yAxis: 'right' });
    expect(optionsOf(byId.get('rcps')!)).toMatchObject({ expression: 'rc / PERIOD(rc)', label: 'consumed RCU/s', yAxis: 'right' });
    expect(widget.yAxis.right.label).toBe('capacity units per second');
    expect(widget.yAxis.left.label).toBe('throttled requests per 60 s');
  });

  it('draws the provisioned RCU and WCU as labelled lines in the colours of their consumption, with a legend', () => {
    const colourOf = (id: string): string | undefined => optionsOf(widget.metrics.find((row) => optionsOf(row).id === id)!).color;
    expect(widget.annotations?.horizontal).toEqual([
      { label: 'provisioned 100 RCU', value: 100, yAxis: 'right', color: colourOf('rcps') },
      { label: 'provisioned 1,000 WCU', value: 1000, yAxis: 'right', color: colourOf('wcps') },
    ]);
    expect(new Set(widget.metrics.map((row) => optionsOf(row).color).filter(Boolean)).size).toBe(4);
    expect(widget.legend.position).toBe('bottom');
    // Every drawn series has a name for the legend.
    for (const row of widget.metrics.filter((r) => optionsOf(r).visible !== false)) expect(optionsOf(row).label).toBeTruthy();
  });

  it('draws no provisioned line for an on-demand table', () => {
    expect(chartWidget({ ...TABLE, billingMode: 'PAY_PER_REQUEST' }, 'sa-east-1', WINDOW)).not.toHaveProperty('annotations');
  });

  it('writes capacity with thousands separators', () => {
    expect(provisionedLabel(40000, 'WCU')).toBe('provisioned 40,000 WCU');
  });
});
