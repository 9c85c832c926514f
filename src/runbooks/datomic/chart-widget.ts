import type { TableState } from '../../actions/dynamodb/dynamodb-actions';
import type { MetricWindow } from './metrics';

// CloudWatch's default palette, so the colours match the console's graphs of the same metrics.
const COLOUR = { readThrottles: '#d62728', writeThrottles: '#ff7f0e', read: '#1f77b4', write: '#2ca02c' };

/** The text on a provisioned-capacity line, e.g. "provisioned 1,000 WCU". */
export function provisionedLabel(units: number, unit: 'RCU' | 'WCU'): string {
  return `provisioned ${units.toLocaleString('en-US')} ${unit}`;
}

/**
 * CloudWatch's metric widget JSON for the chart posted in the thread (GetMetricWidgetImage renders it).
 * ConsumedRead/WriteCapacityUnits are Sums over each period: divided by the period (metric math) they become
 * capacity units per second, the unit provisioned capacity is given in, so the provisioned lines drawn as
 * annotations on the same (right) axis compare directly. Throttle counts stay per period on the left axis.
 */
export function chartWidget(table: TableState, region: string, w: MetricWindow): Record<string, unknown> {
  const dims = ['TableName', table.name];
  const provisioned = table.billingMode === 'PROVISIONED';
  return {
    title: `${table.name}: throttles and consumed capacity`,
    view: 'timeSeries',
    region,
    start: w.start,
    end: w.end,
    period: w.periodSeconds,
    stat: 'Sum',
    width: 900,
    height: 400,
    legend: { position: 'bottom' },
    metrics: [
      ['AWS/DynamoDB', 'ReadThrottleEvents', ...dims, { id: 'rt', label: 'throttled reads', color: COLOUR.readThrottles }],
      ['AWS/DynamoDB', 'WriteThrottleEvents', ...dims, { id: 'wt', label: 'throttled writes', color: COLOUR.writeThrottles }],
      ['AWS/DynamoDB', 'ConsumedReadCapacityUnits', ...dims, { id: 'rc', visible: false }],
      ['AWS/DynamoDB', 'ConsumedWriteCapacityUnits', ...dims, { id: 'wc', visible: false }],
      [{ id: 'rcps', expression: 'rc / PERIOD(rc)', label: 'consumed RCU/s', yAxis: 'right', color: COLOUR.read }],
      [{ id: 'wcps', expression: 'wc / PERIOD(wc)', label: 'consumed WCU/s', yAxis: 'right', color: COLOUR.write }],
    ],
    // An on-demand table has no provisioned capacity to draw.
    ...(provisioned && {
      annotations: {
        horizontal: [
          { label: provisionedLabel(table.read, 'RCU'), value: table.read, yAxis: 'right', color: COLOUR.read },
          { label: provisionedLabel(table.write, 'WCU'), value: table.write, yAxis: 'right', color: COLOUR.write },
        ],
      },
    }),
    yAxis: {
      left: { label: `throttled requests per ${w.periodSeconds} s`, min: 0, showUnits: false },
      right: { label: 'capacity units per second', min: 0, showUnits: false },
    },
  };
}
