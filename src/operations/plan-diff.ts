import { canonicalJson } from './fingerprint';
import type { Plan } from './types';

/** One fact (or preview line) that differs between the plan an approval was given for and the current one. */
export interface PlanChange {
  /** Where it sits, e.g. `facts.stacks.0.parameters.BlueInstanceCount` or `step.preview.Change set`. */
  path: string;
  before?: string;
  after?: string;
}

const MAX_CHANGES = 30;
const MAX_VALUE = 160;

function show(value: unknown): string {
  const text = typeof value === 'string' ? value : canonicalJson(value);
  return text.length > MAX_VALUE ? `${text.slice(0, MAX_VALUE)}…` : text;
}

/** Leaves of a JSON value by dotted path (arrays by index), so a deep change is named precisely. */
function leaves(value: unknown, prefix: string, out: Map<string, string>): void {
  if (value !== null && typeof value === 'object' && out.size < 2000) {
    const entries = Array.isArray(value) ? value.map((v, i) => [String(i), v] as const) : Object.entries(value);
    if (entries.length === 0) out.set(prefix, show(value));
    for (const [k, v] of entries) leaves(v, prefix ? `${prefix}.${k}` : k, out);
    return;
  }
  if (value !== undefined) out.set(prefix, show(value));
}

function compare(before: Map<string, string>, after: Map<string, string>, changes: PlanChange[]): void {
  for (const path of new Set([...before.keys(), ...after.keys()])) {
    const b = before.get(path);
    const a = after.get(path);
    if (b !== a) changes.push({ path, ...(b !== undefined ? { before: b } : {}), ...(a !== undefined ? { after: a } : {}) });
  }
}

/**
 * What changed between the plan the approvals of step `index` were given for and the rebuilt one: every
 * differing fact, and the step's differing title, preview lines and action parameters. At most 30 entries.
 */
export function diffPlans(approved: Plan, current: Plan, index: number): PlanChange[] {
  const changes: PlanChange[] = [];
  const factsBefore = new Map<string, string>();
  const factsAfter = new Map<string, string>();
  leaves(approved.facts, 'facts', factsBefore);
  leaves(current.facts, 'facts', factsAfter);
  compare(factsBefore, factsAfter, changes);
  const stepOf = (plan: Plan): Map<string, string> => {
    const out = new Map<string, string>();
    const step = plan.steps[index];
    if (!step) return out;
    out.set('step.id', step.id);
    out.set('step.title', step.title);
    out.set('step.risk', step.risk);
    for (const line of step.preview) out.set(`step.preview.${line.label}`, show(line.value));
    leaves(step.action.params, `step.action.${step.action.kind}`, out);
    return out;
  };
  compare(stepOf(approved), stepOf(current), changes);
  return changes.slice(0, MAX_CHANGES);
}
