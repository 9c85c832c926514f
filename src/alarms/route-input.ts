import type { AlarmDetails } from './types';

/** Variables every alarm of a source offers to route inputs (`{name}` in a template). Dimensions are `dimension.<Name>`. */
export const BUILT_IN_VARIABLES: Record<'cloudwatch' | 'airflow' | 'datomic', readonly string[]> = {
  cloudwatch: ['alarm', 'region', 'account', 'namespace', 'metric', 'description', 'state'],
  airflow: ['dag', 'task', 'run', 'logical_date', 'transaction', 'state'],
  datomic: ['service', 'env', 'prototype', 'state'],
};

/** The source an alarm came from, as routes name it. */
export function sourceOf(alarm: AlarmDetails): 'cloudwatch' | 'airflow' | 'datomic' {
  return alarm.kind === 'cloudwatch' ? 'cloudwatch' : alarm.kind === 'airflow-task-failure' ? 'airflow' : 'datomic';
}

/** The values of the built-in variables for one alarm (absent values are left out). */
export function variablesOf(alarm: AlarmDetails): Record<string, string> {
  const vars: Record<string, string | undefined> = { state: alarm.state };
  if (alarm.kind === 'cloudwatch') {
    Object.assign(vars, {
      alarm: alarm.name,
      region: alarm.region,
      account: alarm.account,
      namespace: alarm.metric?.namespace,
      metric: alarm.metric?.name,
      description: alarm.description,
    });
    for (const [k, v] of Object.entries(alarm.metric?.dimensions ?? {})) vars[`dimension.${k}`] = v;
  } else if (alarm.kind === 'airflow-task-failure') {
    Object.assign(vars, { dag: alarm.dagId, task: alarm.taskId, run: alarm.runId, logical_date: alarm.executionDate, transaction: alarm.transactionId });
  } else {
    Object.assign(vars, { service: alarm.service, env: alarm.env, prototype: alarm.prototype });
  }
  return Object.fromEntries(Object.entries(vars).filter((e): e is [string, string] => e[1] !== undefined && e[1] !== ''));
}

/** One piece of a template: literal text, or `{name}` / `{name|default}`. */
type Piece = { text: string } | { variable: string; fallback?: string };

const VARIABLE = /^[A-Za-z_][\w.-]{0,100}$/;

/** Splits a template into pieces; throws on an unclosed `{` or a bad variable name. */
export function parseTemplate(template: string): Piece[] {
  const pieces: Piece[] = [];
  let i = 0;
  while (i < template.length) {
    const open = template.indexOf('{', i);
    if (open < 0) {
      pieces.push({ text: template.slice(i) });
      break;
    }
    if (open > i) pieces.push({ text: template.slice(i, open) });
    const close = template.indexOf('}', open);
    if (close < 0) throw new Error(`has a "{" without its "}"`);
    const inner = template.slice(open + 1, close);
    const bar = inner.indexOf('|');
    const variable = (bar < 0 ? inner : inner.slice(0, bar)).trim();
    if (!VARIABLE.test(variable)) throw new Error(`names the variable "${variable}", which is not a variable name`);
    pieces.push(bar < 0 ? { variable } : { variable, fallback: inner.slice(bar + 1) });
    i = close + 1;
  }
  return pieces;
}

/** The variables a template uses. */
export function templateVariables(template: string): string[] {
  return parseTemplate(template).flatMap((p) => ('variable' in p ? [p.variable] : []));
}

/**
 * A route's input for an alarm: strings are templates over `vars`, numbers and booleans are as written.
 * A field whose template names a variable the alarm does not have (and gives no `|default`) is left out,
 * so the runbook's own input schema decides whether it was needed. `missing` says which were left out.
 */
export function renderInput(
  spec: Record<string, string | number | boolean>,
  vars: Record<string, string>,
): { input: Record<string, unknown>; missing: string[] } {
  const input: Record<string, unknown> = {};
  const missing: string[] = [];
  for (const [key, value] of Object.entries(spec)) {
    if (typeof value !== 'string') {
      input[key] = value;
      continue;
    }
    let out = '';
    let ok = true;
    for (const piece of parseTemplate(value)) {
      if ('text' in piece) out += piece.text;
      else if (vars[piece.variable] !== undefined) out += vars[piece.variable];
      else if (piece.fallback !== undefined) out += piece.fallback;
      else {
        ok = false;
        missing.push(`${key} (needs {${piece.variable}})`);
        break;
      }
    }
    if (ok) input[key] = out;
  }
  return { input, missing };
}
