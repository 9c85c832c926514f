import { z } from 'zod';
import { groupsOfPattern, patternError } from '../alarms/route-patterns';
import { BUILT_IN_VARIABLES, templateVariables } from '../alarms/route-input';
import { BuildFailureInput } from '../runbooks/build-failure/input';
import { DagaoInput } from '../runbooks/dagao/input';
import { DatomicInput } from '../runbooks/datomic/input';

/**
 * The runbooks an alarm route may start, with their input schemas, so a route's input is checked when
 * the file is loaded. Runbooks that change data on their own say (retract, rollback, aurora) are left out
 * on purpose: an alarm post is text from outside, and those start only from a person's command.
 */
export const ROUTABLE_RUNBOOKS: Record<string, z.ZodObject> = {
  datomic: DatomicInput,
  dagao: DagaoInput,
  'build-failure': BuildFailureInput,
};

export const ROUTE_SOURCES = ['cloudwatch', 'airflow', 'datomic'] as const;
const Source = z.enum(ROUTE_SOURCES);

/** A glob (picomatch, `*` also crosses `/`) or a regex written `/.../flags`, bounded and checked at load. */
const Pattern = z.string().superRefine((value, ctx) => {
  const error = patternError(value);
  if (error) ctx.addIssue({ code: 'custom', message: `the pattern ${JSON.stringify(value.slice(0, 80))} ${error}` });
});

/** Conditions a route checks, all of which must hold (in this order, for `alarms explain`). */
export const RouteMatchSchema = z
  .object({
    source: z.union([Source, z.array(Source).min(1)]).optional(),
    alarmName: Pattern.optional(),
    namespace: Pattern.optional(),
    metric: Pattern.optional(),
    dimensions: z.record(z.string().min(1).max(255), Pattern).optional(),
    description: Pattern.optional(),
    text: Pattern.optional(),
    dag: Pattern.optional(),
    task: Pattern.optional(),
  })
  .strict();

export const RouteSchema = z
  .object({
    name: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, { error: 'must be lowercase letters, digits and dashes (at most 63)' }),
    match: RouteMatchSchema,
    /** The runbook to propose; or `ignore: true` to claim the alarm and stay silent on purpose. */
    runbook: z.string().optional(),
    input: z.record(z.string(), z.union([z.string().max(500), z.number(), z.boolean()])).default({}),
    ignore: z.literal(true).optional(),
  })
  .strict()
  .superRefine(checkRoute);

export type RouteSpec = z.infer<typeof RouteSchema>;
export type RouteMatch = z.infer<typeof RouteMatchSchema>;

/** The `alarms:` section of runbook-bot.yml: routes, tried in order before the built-in ones. */
export const AlarmsSectionSchema = z
  .object({
    routes: z.array(RouteSchema).max(200).default([]),
  })
  .strict()
  .superRefine((section, ctx) => {
    const seen = new Set<string>();
    section.routes.forEach((r, i) => {
      if (seen.has(r.name)) ctx.addIssue({ code: 'custom', path: ['routes', i, 'name'], message: `the route name "${r.name}" is used twice` });
      seen.add(r.name);
    });
  });

export type AlarmsSection = z.infer<typeof AlarmsSectionSchema>;

/** Load-time checks of one route against the runbook it names: known runbook, known input keys, constants valid, variables defined. */
function checkRoute(route: RouteSpec, ctx: z.RefinementCtx): void {
  const issue = (path: (string | number)[], message: string): void => ctx.addIssue({ code: 'custom', path, message });
  const conditions = Object.keys(route.match).filter((k) => k !== 'source');
  if (conditions.length === 0 && route.match.source === undefined)
    issue(['match'], 'needs at least one condition (a route matching every alarm would answer every post)');
  if (route.ignore) {
    if (route.runbook !== undefined || Object.keys(route.input).length > 0) issue(['ignore'], 'an ignoring route has no runbook and no input');
    return;
  }
  if (route.runbook === undefined) return issue(['runbook'], `is required (one of ${Object.keys(ROUTABLE_RUNBOOKS).join(', ')}), or write ignore: true`);
  const schema = ROUTABLE_RUNBOOKS[route.runbook];
  if (!schema) return issue(['runbook'], `"${route.runbook}" cannot be started from an alarm; routes may name ${Object.keys(ROUTABLE_RUNBOOKS).join(', ')}`);
  const shape = schema.shape as Record<string, z.ZodType>;
  const sources = route.match.source === undefined ? [...ROUTE_SOURCES] : [route.match.source].flat();
  const known = new Set([...sources.flatMap((s) => BUILT_IN_VARIABLES[s]), ...captureGroups(route.match)]);
  for (const [key, value] of Object.entries(route.input)) {
    const field = shape[key];
    if (!field) {
      issue(['input', key], `is not an input of ${route.runbook} (its inputs: ${Object.keys(shape).join(', ')})`);
      continue;
    }
    if (typeof value !== 'string' || !value.includes('{')) {
      const parsed = field.safeParse(value);
      if (!parsed.success)
        issue(['input', key], `${JSON.stringify(value)} is not a valid ${key} for ${route.runbook}: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
      continue;
    }
    let names: string[];
    try {
      names = templateVariables(value);
    } catch (err) {
      issue(['input', key], `the template ${(err as Error).message}`);
      continue;
    }
    for (const name of names) {
      if (!known.has(name) && !(name.startsWith('dimension.') && sources.includes('cloudwatch'))) {
        issue(['input', key], `uses {${name}}, which this route does not define: use a named group of one of its regexes or one of ${[...known].join(', ')}`);
      }
    }
  }
  for (const [key, field] of Object.entries(shape)) {
    if (route.input[key] === undefined && !field.safeParse(undefined).success) issue(['input'], `misses "${key}", which ${route.runbook} requires`);
  }
}

function captureGroups(match: RouteMatch): string[] {
  const patterns = [
    match.alarmName,
    match.namespace,
    match.metric,
    match.description,
    match.text,
    match.dag,
    match.task,
    ...Object.values(match.dimensions ?? {}),
  ];
  return patterns.flatMap((p) => (p ? groupsOfPattern(p) : []));
}
