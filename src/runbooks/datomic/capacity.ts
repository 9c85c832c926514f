import type { Capacity, TableState } from '../../actions/dynamodb/dynamodb-actions';

/** How the new capacity is computed and bounded. */
export interface CapacityPolicy {
  /** Largest RCU or WCU the bot may set on a table or index. */
  maxCapacity: number;
  /** Multiplier on the observed peak (1.5 = 50 % headroom). */
  headroom: number;
  /** Smallest raise of a throttled direction, as a multiplier on the current value. */
  minStep: number;
}

export const DEFAULT_POLICY: Omit<CapacityPolicy, 'maxCapacity'> = { headroom: 1.5, minStep: 1.25 };

/**
 * DynamoDB allows at most this many capacity decreases per table per UTC day. Proposals only ever raise
 * capacity, so the limit only shows up as UpdateTable's LimitExceededException, explained to people.
 */
export const MAX_DECREASES_PER_DAY = 27;

/** Throttling and peak consumption of the table or one of its GSIs over the window. */
export interface Usage {
  /** `table` or the GSI name. */
  target: string;
  kind: 'table' | 'index';
  current: Capacity;
  readThrottles: number;
  writeThrottles: number;
  /** Highest per-second consumption seen in one period. */
  peakRead: number;
  peakWrite: number;
}

/** Old and new capacity of one target. */
export interface CapacityLine {
  target: string;
  kind: 'table' | 'index';
  from: Capacity;
  to: Capacity;
  /** Directions whose need was above the cap. */
  capped: ('read' | 'write')[];
}

export interface Proposal {
  lines: CapacityLine[];
  /** Why nothing is proposed, when nothing is. */
  refusal?: string;
}

/** Table names to try, most specific first: `$env-$prototype-$service-datomic`, then without the prototype. */
export function tableCandidates(input: { service: string; env: string; prototype?: string }): string[] {
  const names = input.prototype ? [`${input.env}-${input.prototype}-${input.service}-datomic`] : [];
  // The prototype is omitted for most tables in S0 and global; try the short name too.
  if (!input.prototype || input.prototype === 's0' || input.prototype === 'global') names.push(`${input.env}-${input.service}-datomic`);
  return names;
}

/** The formula, as shown in the preview. */
export function describeFormula(p: CapacityPolicy, periodSeconds: number): string {
  return (
    `For each throttled direction: new = min(cap ${p.maxCapacity}, max(⌈peak × ${p.headroom}⌉, ⌈current × ${p.minStep}⌉)), ` +
    `where peak = the highest Consumed*CapacityUnits sum of one ${periodSeconds} s period ÷ ${periodSeconds}. Directions without throttling keep their value.`
  );
}

/** New capacities from throttling and peak consumption; never a decrease (see MAX_DECREASES_PER_DAY); refuses what it may not do. */
export function proposeCapacity(table: TableState, usage: Usage[], p: CapacityPolicy): Proposal {
  if (table.billingMode === 'PAY_PER_REQUEST') {
    return {
      lines: [],
      refusal:
        'The table is on-demand (PAY_PER_REQUEST): there is no provisioned capacity to raise. Throttling on on-demand tables comes from other causes: a hot partition key, traffic more than double the previous peak within 30 minutes, or the account/table throughput limits.',
    };
  }
  const lines: CapacityLine[] = [];
  const overCap: string[] = [];
  for (const u of usage) {
    if (u.readThrottles <= 0 && u.writeThrottles <= 0) continue;
    const capped: ('read' | 'write')[] = [];
    const next = (throttled: boolean, current: number, peak: number, dir: 'read' | 'write'): number => {
      if (!throttled) return current;
      if (current >= p.maxCapacity) {
        overCap.push(`${u.kind === 'table' ? 'the table' : `GSI \`${u.target}\``} ${dir === 'read' ? 'RCU' : 'WCU'} is already ${current}`);
        return current;
      }
      const wanted = Math.max(Math.ceil(peak * p.headroom), Math.ceil(current * p.minStep), current + 1);
      if (wanted > p.maxCapacity) capped.push(dir);
      return Math.min(p.maxCapacity, wanted);
    };
    const to = {
      read: next(u.readThrottles > 0, u.current.read, u.peakRead, 'read'),
      write: next(u.writeThrottles > 0, u.current.write, u.peakWrite, 'write'),
    };
    if (to.read !== u.current.read || to.write !== u.current.write) lines.push({ target: u.target, kind: u.kind, from: u.current, to, capped });
  }
  if (lines.length === 0 && overCap.length > 0) {
    return {
      lines,
      refusal: `Throttling was found, but ${overCap.join(' and ')}, at or above the cap of ${p.maxCapacity} the bot may set (DATOMIC_MAX_CAPACITY). Raising it further needs a person: check for a hot partition first.`,
    };
  }
  return { lines };
}

/** `RCU 100 → 150, WCU 50 (unchanged)` for one line. */
export function describeLine(l: CapacityLine): string {
  const dir = (name: string, from: number, to: number, capped: boolean): string =>
    from === to ? `${name} ${from} (unchanged)` : `${name} ${from} → ${to}${capped ? ' (capped)' : ''}`;
  const label = l.kind === 'table' ? 'table' : `GSI ${l.target}`;
  return `${label}: ${dir('RCU', l.from.read, l.to.read, l.capped.includes('read'))}, ${dir('WCU', l.from.write, l.to.write, l.capped.includes('write'))}`;
}
