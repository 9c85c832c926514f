import type { RouteMatch, RouteSpec } from '../config-file/alarm-routes';
import type { RunbookRegistry } from '../operations/runbook';
import { compilePattern, type Pattern } from './route-patterns';
import { renderInput, sourceOf, variablesOf } from './route-input';
import type { Alarm, AlarmDetails } from './types';

/** A route ready to match: its spec, its compiled patterns, and whether it came from the file or the built-ins. */
export interface CompiledRoute {
  spec: RouteSpec;
  origin: 'configured' | 'built-in';
  conditions: Condition[];
}

interface Condition {
  /** How explain names it, e.g. `alarmName` or `dimensions.TableName`. */
  label: string;
  check(alarm: Alarm, vars: Record<string, string>): { ok: boolean; why?: string; groups?: Record<string, string> };
}

/** One route's verdict on an alarm: matched with an input, or its first failing condition. */
export interface RouteCheck {
  route: string;
  origin: CompiledRoute['origin'];
  matched: boolean;
  /** The first condition that failed, in words. */
  failed?: string;
  runbook?: string;
  input?: unknown;
}

/** Where an alarm goes: the first matching route (with the coalescing key), plus every check made. */
export interface RouteDecision {
  checks: RouteCheck[];
  matched?: { route: string; origin: CompiledRoute['origin']; ignore: boolean; runbook?: string; input?: unknown; key?: string };
}

/** Compiles routes (configured first, then the built-in ones); patterns were already checked at load. */
export function compileRoutes(configured: RouteSpec[], builtIn: RouteSpec[]): CompiledRoute[] {
  return [...configured.map((spec) => compileRoute(spec, 'configured')), ...builtIn.map((spec) => compileRoute(spec, 'built-in'))];
}

function compileRoute(spec: RouteSpec, origin: CompiledRoute['origin']): CompiledRoute {
  return { spec, origin, conditions: conditionsOf(spec.match) };
}

function conditionsOf(match: RouteMatch): Condition[] {
  const out: Condition[] = [];
  if (match.source !== undefined) {
    const sources = [match.source].flat();
    out.push({
      label: 'source',
      check: (a) => (sources.includes(sourceOf(a)) ? { ok: true } : { ok: false, why: `source is ${sourceOf(a)}, not ${sources.join(' or ')}` }),
    });
  }
  const field = (label: string, text: string | undefined, value: (a: Alarm, v: Record<string, string>) => string | undefined, perLine = false): void => {
    if (text === undefined) return;
    const pattern = compilePattern(text);
    out.push({ label, check: (a, v) => test(pattern, label, value(a, v), perLine) });
  };
  field('alarmName', match.alarmName, (a) => (a.kind === 'cloudwatch' ? a.name : undefined));
  field('namespace', match.namespace, (_a, v) => v.namespace);
  field('metric', match.metric, (_a, v) => v.metric);
  for (const [name, text] of Object.entries(match.dimensions ?? {})) field(`dimensions.${name}`, text, (_a, v) => v[`dimension.${name}`]);
  field('description', match.description, (_a, v) => v.description, true);
  field('text', match.text, (a) => a.text, true);
  field('dag', match.dag, (_a, v) => v.dag);
  field('task', match.task, (_a, v) => v.task);
  return out;
}

function test(pattern: Pattern, label: string, value: string | undefined, perLine: boolean): ReturnType<Condition['check']> {
  if (value === undefined) return { ok: false, why: `the alarm has no ${label}` };
  // Texts are matched line by line, so a glob like `*throttl*` means "a line mentions it".
  const candidates = perLine && pattern.kind === 'glob' ? value.split('\n').slice(0, 500) : [value];
  for (const c of candidates) {
    const m = pattern.match(c);
    if (m.ok) return { ok: true, groups: m.groups };
  }
  return { ok: false, why: `${label} ${JSON.stringify(value.length > 120 ? `${value.slice(0, 120)}…` : value)} does not match ${pattern.source}` };
}

/** Tries each route in order and stops at the first that matches and yields an input its runbook accepts. */
export function decideRoute(alarm: Alarm, routes: CompiledRoute[], runbooks: RunbookRegistry): RouteDecision {
  const vars = variablesOf(alarm);
  const checks: RouteCheck[] = [];
  for (const route of routes) {
    const check: RouteCheck = { route: route.spec.name, origin: route.origin, matched: false };
    checks.push(check);
    const captured: Record<string, string> = {};
    const failed = route.conditions.map((c) => ({ c, r: c.check(alarm, vars) })).find(({ r }) => (r.ok && Object.assign(captured, r.groups), !r.ok));
    if (failed) {
      check.failed = failed.r.why ?? `${failed.c.label} does not match`;
      continue;
    }
    if (route.spec.ignore) {
      check.matched = true;
      return { checks, matched: { route: route.spec.name, origin: route.origin, ignore: true } };
    }
    const runbook = route.spec.runbook ? runbooks.get(route.spec.runbook) : undefined;
    check.runbook = route.spec.runbook;
    if (!runbook) {
      check.failed = `the runbook ${route.spec.runbook ?? '(none)'} is not available in this deployment`;
      continue;
    }
    const { input, missing } = renderInput(route.spec.input, { ...vars, ...captured });
    const parsed = runbook.inputSchema.safeParse(input);
    if (!parsed.success) {
      const first = parsed.error.issues[0];
      check.failed = `the input does not fit ${runbook.name}: ${first ? `${first.path.join('.') || 'input'}: ${first.message}` : 'invalid'}${missing.length > 0 ? ` (left out: ${missing.join(', ')})` : ''}`;
      check.input = input;
      continue;
    }
    check.matched = true;
    check.input = parsed.data;
    return {
      checks,
      matched: {
        route: route.spec.name,
        origin: route.origin,
        ignore: false,
        runbook: runbook.name,
        input: parsed.data,
        key: targetKey(runbook.name, alarm, parsed.data),
      },
    };
  }
  return { checks };
}

/**
 * The coalescing key: the routed target, not the post. Two posts about the same table (a self-destruct
 * and a throttle alarm) give the same datomic input, hence one key. Airflow failures are keyed by their
 * run, read from the run id or the logical date alike (`scheduled__<date>` is the run of that date).
 */
export function targetKey(runbook: string, alarm: AlarmDetails, input: unknown): string {
  if (alarm.kind === 'airflow-task-failure') return `${runbook}:run:${alarm.dagId}:${runKey(alarm)}`;
  return `${runbook}:${canonical(input)}`;
}

/** A run's identity: the logical date when the run id carries one or the post gives one, else the run id. */
export function runKey(alarm: { runId?: string; executionDate?: string }): string {
  const sep = alarm.runId?.indexOf('__') ?? -1;
  const fromRunId = sep > 0 ? isoDate(alarm.runId!.slice(sep + 2)) : undefined;
  return fromRunId ?? isoDate(alarm.executionDate) ?? alarm.runId ?? alarm.executionDate ?? '-';
}

function isoDate(value: string | undefined): string | undefined {
  if (!value || !/^\d{4}-\d{2}-\d{2}/.test(value)) return undefined;
  const ms = Date.parse(value);
  return Number.isFinite(ms) ? new Date(ms).toISOString() : undefined;
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value as Record<string, unknown>)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}
