import type { CloudFormationActions } from '../../actions/cloudformation/types';
import { makePlan } from '../../operations/fingerprint';
import { UserFacingError, type PlanContext } from '../../operations/runbook';
import type { Plan, PlanMenu, Step, StepResult } from '../../operations/types';
import { COLORS, liveAndIdle, type BlueGreen } from './blue-green';
import { serviceUrl, type RollbackDeps } from './deps';
import type { RollbackInput } from './input';
import { lookup, readStacks, refuseWhileToProdRuns, type StackState } from './lookups';
import { executeStep, prepareStep, STEP_IDS, verifyStep, type ChangeSetSpec, type Prepared } from './steps';
import { chooseTarget, describeBuilds, findBuild, type Target } from './target';

export const PICK_BUILD_ACTION = 'rollback_pick_build';

/** The newest succeeded result of a step. */
export function succeeded(results: StepResult[], stepId: string): StepResult | undefined {
  return [...results].reverse().find((r) => r.stepId === stepId && r.outcome === 'succeeded');
}

/** The change sets a prepare step created, as CloudFormation describes them now (read-only). */
export async function describePrepared(cfn: CloudFormationActions, result: StepResult | undefined, specs: ChangeSetSpec[]): Promise<Prepared | undefined> {
  if (!result) return undefined;
  const entries = await Promise.all(
    specs.map(async (s) => {
      const id = result.externalIds[`changeSet:${s.stack}`];
      return [s.stack, id ? await lookup(`read the change set of ${s.stack}`, () => cfn.describeChangeSet(s.stack, id)) : undefined] as const;
    }),
  );
  return Object.fromEntries(entries);
}

const colorsFact = (bg: BlueGreen): Record<string, unknown> => Object.fromEntries(COLORS.map((c) => [c, { version: bg[c].version, count: bg[c].count }]));

/** Change sets that bring the target up on the idle color (or, in place, on the live one). */
function deploySpecs(stacks: StackState[], target: Target, inPlace: boolean): ChangeSetSpec[] {
  return stacks.flatMap((s) => {
    const { live, idle } = liveAndIdle(s.stack, s.bg);
    if (live.version === target.short) return [];
    if (inPlace) {
      return [
        {
          stack: s.stack,
          shard: s.shard,
          changes: { [live.versionKey]: target.short },
          before: { [live.versionKey]: live.version },
          note: `${live.color} serves ${live.count} on ${live.version}; updated in place`,
        },
      ];
    }
    return [
      {
        stack: s.stack,
        shard: s.shard,
        changes: { [idle.versionKey]: target.short, [idle.countKey]: String(live.count) },
        before: { [idle.versionKey]: idle.version, [idle.countKey]: String(idle.count) },
        note: `${idle.color} is idle; ${live.color} serves ${live.count} on ${live.version}`,
      },
    ];
  });
}

/** After the deploy: the color that does not run the target is the buggy one, to be scaled to 0. */
function scaleDownSpecs(stacks: StackState[], target: string, deployed: boolean): ChangeSetSpec[] {
  return stacks.flatMap((s) => {
    const fresh = COLORS.find((c) => s.bg[c].version === target && (s.bg[c].count > 0 || !deployed));
    if (!deployed) {
      const { live } = liveAndIdle(s.stack, s.bg);
      if (live.version === target) return [];
      return [
        {
          stack: s.stack,
          shard: s.shard,
          changes: { [live.countKey]: '0' },
          before: { [live.countKey]: String(live.count) },
          note: `${live.color} runs the bad version ${live.version}`,
        },
      ];
    }
    if (!fresh)
      throw new UserFacingError(
        `\`${s.stack}\` no longer looks as the rollback left it: no color runs \`${target}\` with instances. Check the stack before going on.`,
        'stack_changed',
      );
    const buggy = s.bg[fresh === 'Blue' ? 'Green' : 'Blue'];
    if (buggy.count === 0) return [];
    return [
      {
        stack: s.stack,
        shard: s.shard,
        changes: { [buggy.countKey]: '0' },
        before: { [buggy.countKey]: String(buggy.count) },
        note: `${buggy.color} runs the bad version ${buggy.version}`,
      },
    ];
  });
}

function buildMenu(
  history: Awaited<ReturnType<NonNullable<RollbackDeps['gocd']>['pipelineHistory']>>,
  deployed: string[],
  target: Target,
): PlanMenu | undefined {
  const options = history
    .filter((r) => r.state === 'passed' && r.commit && ![...deployed, target.short].some((d) => r.commit!.revision.startsWith(d)))
    .slice(0, 10)
    .map((r) => ({
      label: `#${r.counter} ${r.commit!.revision.slice(0, 7)} ${r.commit!.message?.split('\n')[0] ?? ''}`.trim().slice(0, 75),
      value: r.commit!.revision,
    }));
  if (options.length === 0) return undefined;
  return { actionId: PICK_BUILD_ACTION, placeholder: `Roll back to another build (now ${target.short})`, options };
}

/** Why the target of prepared change sets was chosen, said the same way as when it was chosen. */
function fixedWhy(history: Parameters<typeof chooseTarget>[0], live: string[], pipeline: string, input: RollbackInput, fixed: string): string {
  try {
    const again = live.length > 0 ? chooseTarget(history, live, pipeline, input.to) : undefined;
    if (again?.short === fixed) return again.why;
  } catch {
    // The history moved on; the change sets still say what will run.
  }
  return 'fixed when the change sets were prepared';
}

/** Builds the rollback plan from read-only lookups and the results so far. */
export async function buildRollbackPlan(deps: RollbackDeps, input: RollbackInput, ctx: PlanContext): Promise<Plan> {
  const { cfn, gocd } = deps;
  if (!cfn) throw new UserFacingError('Rollback is disabled: no CloudFormation client is configured.', 'not_configured');
  if (!gocd)
    throw new UserFacingError(
      'Rollback is disabled: `GOCD_URL` is not configured, so I cannot check that no `to-prod` is running nor read the build history. Ask whoever runs the bot to set it.',
      'not_configured',
    );
  const prepared = succeeded(ctx.results, STEP_IDS.prepare);
  const deployed = succeeded(ctx.results, STEP_IDS.deploy) !== undefined;

  // A to-prod blocks starting and each change; it must not cut a verification short (that would lose the undo).
  const verifying = (deployed && !succeeded(ctx.results, STEP_IDS.verify)) || succeeded(ctx.results, STEP_IDS.scaleDown) !== undefined;
  if (!verifying) await refuseWhileToProdRuns(gocd, deps.toProdPipeline);
  const stacks = await readStacks(cfn, input.service, input.shards);
  const pipeline = deps.pipelineTemplate.replaceAll('{service}', input.service);
  const history = await lookup(`read the build history of \`${pipeline}\` on GoCD`, () => gocd.pipelineHistory(pipeline, { limit: deps.timing.historyLimit }));

  // Once change sets exist, the target is the one they were made for, whatever GoCD says since.
  const fixed = prepared?.externalIds.target;
  const liveVersions = deployed ? [] : [...new Set(stacks.map((s) => liveAndIdle(s.stack, s.bg).live.version))];
  const fixedRun = fixed ? findBuild(history, fixed) : undefined;
  const target: Target = fixed
    ? {
        short: fixed,
        full: fixedRun?.commit?.revision,
        counter: fixedRun?.counter,
        author: fixedRun?.commit?.author,
        why: fixedWhy(history, liveVersions, pipeline, input, fixed),
      }
    : chooseTarget(history, liveVersions, pipeline, input.to);
  if (!deployed && liveVersions.every((v) => v === target.short)) {
    throw new UserFacingError(
      `\`${input.service}\` already runs \`${target.short}\` on every stack: there is nothing to roll back. Give another version with \`--to <sha>\`.`,
      'already_there',
    );
  }

  const deploys = deployed ? [] : deploySpecs(stacks, target, input.inPlace);
  const deployPrepared = deployed ? undefined : await describePrepared(cfn, prepared, deploys);
  const scaleDowns = input.inPlace ? [] : scaleDownSpecs(stacks, target.short, deployed);
  const scalePrepared = await describePrepared(cfn, succeeded(ctx.results, STEP_IDS.prepareScaleDown), scaleDowns);
  const checks = stacks.map((s) => ({ stack: s.stack, url: serviceUrl(deps, input.service, s.shard) }));
  const v = deps.timing.verify;
  const buildLine = `${target.short}${target.counter !== undefined ? ` (build #${target.counter}${target.author ? ` by ${target.author}` : ''})` : ''}: ${target.why}`;

  const steps: Step[] = [
    prepareStep(
      STEP_IDS.prepare,
      'Preview the change sets (nothing changes yet)',
      'deploy',
      deploys,
      [
        {
          label: `Builds of ${pipeline} (newest first, build:full SHA)`,
          value: describeBuilds(history, liveVersions, target) || '(no builds with a git commit)',
          code: true,
        },
        { label: 'Target', value: buildLine },
      ],
      target.short,
    ),
    input.inPlace
      ? executeStep({
          id: STEP_IDS.deploy,
          title: `In-place update to ${target.short} (about 5 minutes of DOWNTIME)`,
          risk: 'destructive',
          phase: 'deploy',
          specs: deploys,
          prepared: deployPrepared,
          preparedBy: 'Preview the change sets',
          warning:
            'About 5 minutes of downtime: the running instances stop and new ones start with the new version. Use the blue/green rollback (without --in-place) to avoid it.',
          explanation: 'Updates the version of the color that serves traffic, in place.',
        })
      : executeStep({
          id: STEP_IDS.deploy,
          title: `Bring up ${target.short} on the idle color`,
          risk: 'mutating',
          phase: 'deploy',
          specs: deploys,
          prepared: deployPrepared,
          preparedBy: 'Preview the change sets',
          explanation:
            'The idle color (0 instances) gets the good version and as many instances as the live color. Both colors serve until the bad one is taken down: no downtime.',
        }),
    verifyStep({
      id: STEP_IDS.verify,
      target: target.short,
      mode: input.inPlace ? 'all' : 'some',
      checks,
      rule: input.inPlace
        ? `the last ${v.settledWindow} answers of every stack are ${target.short}, within ${Math.round(v.timeoutMs / 1000)} s`
        : `at least ${v.needed} of the last ${v.window} answers of every stack are ${target.short} and none is an error (the old color still answers too), within ${Math.round(v.timeoutMs / 1000)} s`,
    }),
  ];
  if (!input.inPlace) {
    steps.push(
      prepareStep(STEP_IDS.prepareScaleDown, 'Preview taking down the bad color (after verification)', 'scale-down', scaleDowns),
      executeStep({
        id: STEP_IDS.scaleDown,
        title: 'Take down the bad color (instances to 0)',
        risk: 'destructive',
        phase: 'scale-down',
        specs: scaleDowns,
        prepared: scalePrepared,
        preparedBy: 'Preview taking down the bad color',
        explanation: `Offered only after ${target.short} was verified. The bad color's instances go to 0; the good color keeps serving, so there is no downtime.`,
      }),
      verifyStep({
        id: STEP_IDS.verifySettled,
        target: target.short,
        mode: 'all',
        checks,
        title: `Verify that only ${target.short} answers`,
        rule: `the last ${v.settledWindow} answers of every stack are ${target.short}, within ${Math.round(v.timeoutMs / 1000)} s`,
      }),
    );
  }

  const facts = {
    service: input.service,
    target: target.short,
    toProdRunning: false,
    stacks: stacks.map((s) => ({ stack: s.stack, status: s.status, colors: colorsFact(s.bg) })),
    deployChangeSets: deployPrepared ?? null,
    scaleDownChangeSets: scalePrepared ?? null,
  };
  const where = stacks.map((s) => `\`${s.stack}\``).join(', ');
  return {
    ...makePlan({
      runbook: 'rollback',
      title: `Roll back ${input.service} to ${target.short}${input.inPlace ? ' (in place)' : ''}`,
      summary: `Roll back *${input.service}* on ${where} to \`${target.short}\`${target.counter !== undefined ? ` (build #${target.counter})` : ''}${liveVersions.length > 0 ? `, from \`${liveVersions.join('`, `')}\`` : ''}.`,
      steps,
      facts,
    }),
    ...(deployed ? {} : { menu: buildMenu(history, liveVersions, target) }),
  };
}
