import type { ChangeSetInfo } from '../../actions/cloudformation/types';
import type { PreviewLine, Step } from '../../operations/types';
import { describeResourceChanges, parameterDiff } from './blue-green';

/** One change set the rollback creates: which parameters it sets, and their values before. */
export interface ChangeSetSpec {
  stack: string;
  shard: string;
  changes: Record<string, string>;
  before: Record<string, string>;
  /** Words for the preview, e.g. `Green is idle; Blue serves 3 instances on abc1234`. */
  note: string;
}

/** A change set already created (by a prepare step) and what CloudFormation says it does. */
export type Prepared = Record<string, ChangeSetInfo | undefined>;

export const STEP_IDS = {
  prepare: 'prepare',
  deploy: 'deploy',
  verify: 'verify',
  prepareScaleDown: 'prepare-scale-down',
  scaleDown: 'scale-down',
  verifySettled: 'verify-settled',
  restore: 'restore',
} as const;

/** A read-only step that creates change sets (CloudFormation computes the update; nothing is applied). */
export function prepareStep(id: string, title: string, phase: string, specs: ChangeSetSpec[], extra: PreviewLine[] = [], target?: string): Step {
  return {
    id,
    title,
    risk: 'read-only',
    preview: [
      ...extra,
      ...specs.map((s) => ({ label: `CreateChangeSet on ${s.stack} (current template; ${s.note})`, value: parameterDiff(s.before, s.changes), code: true })),
    ],
    explanation: 'A change set only asks CloudFormation what an update would do: nothing is applied. Every other parameter keeps its current value.',
    verification: 'Each change set reaches CREATE_COMPLETE; its resource changes are posted in this thread and shown in the next step.',
    action: { kind: 'rollback.prepare', params: { phase, target, sets: specs.map((s) => ({ stack: s.stack, changes: s.changes, before: s.before })) } },
  };
}

function changeSetLines(specs: ChangeSetSpec[], prepared: Prepared | undefined, preparedBy: string): PreviewLine[] {
  return specs.flatMap((s) => {
    const cs = prepared?.[s.stack];
    const lines: PreviewLine[] = [{ label: `${s.stack}: parameters (${s.note})`, value: parameterDiff(s.before, s.changes), code: true }];
    if (!cs) {
      lines.push({ label: `${s.stack}: resource changes`, value: `computed by "${preparedBy}" before anyone can approve` });
    } else {
      const usable = cs.status === 'CREATE_COMPLETE' && cs.executionStatus === 'AVAILABLE';
      lines.push({ label: `${s.stack}: resource changes (change set ${cs.name})`, value: describeResourceChanges(cs.changes), code: true });
      if (!usable)
        lines.push({
          label: ':warning: Not executable',
          value: `the change set is ${cs.status}/${cs.executionStatus}${cs.statusReason ? ` (${cs.statusReason})` : ''}: cancel and start a new rollback`,
        });
    }
    return lines;
  });
}

function executeParams(phase: string, specs: ChangeSetSpec[], prepared: Prepared | undefined): Record<string, unknown> {
  return { phase, sets: specs.map((s) => ({ stack: s.stack, changeSetId: prepared?.[s.stack]?.id ?? null, changes: s.changes })) };
}

/** Executes the prepared change sets one stack at a time and waits for each update. */
export function executeStep(opts: {
  id: string;
  title: string;
  risk: 'mutating' | 'destructive';
  phase: string;
  specs: ChangeSetSpec[];
  prepared: Prepared | undefined;
  preparedBy: string;
  explanation: string;
  warning?: string;
}): Step {
  const calls = opts.specs
    .map((s) => `ExecuteChangeSet ${opts.prepared?.[s.stack]?.name ?? '<prepared change set>'} on ${s.stack}, then wait for UPDATE_COMPLETE`)
    .join('\n');
  return {
    id: opts.id,
    title: opts.title,
    risk: opts.risk,
    preview:
      opts.specs.length === 0
        ? [{ label: 'Change sets', value: 'none to execute (already done, or nothing to change): see this thread' }]
        : [
            ...(opts.warning ? [{ label: ':rotating_light: Warning', value: opts.warning }] : []),
            ...changeSetLines(opts.specs, opts.prepared, opts.preparedBy),
            { label: 'Calls', value: calls, code: true },
          ],
    explanation: opts.explanation,
    verification:
      'The SDK waiter sees every stack reach UPDATE_COMPLETE; stack events are posted in this thread while it runs. On failure the thread says what state each stack is in and offers the undo.',
    action: { kind: 'rollback.execute', params: executeParams(opts.phase, opts.specs, opts.prepared) },
  };
}

/** A check of `/api/version` on every stack's service URL. */
export function verifyStep(opts: {
  id: string;
  target: string;
  mode: 'some' | 'all';
  checks: { stack: string; url?: string }[];
  rule: string;
  title?: string;
}): Step {
  const configured = opts.checks.every((c) => c.url !== undefined);
  return {
    id: opts.id,
    title: configured ? (opts.title ?? `Verify that ${opts.target} answers`) : 'Hand verification over to people (SERVICE_URL_TEMPLATE is not set)',
    risk: 'read-only',
    preview: configured
      ? [
          { label: 'Polls', value: opts.checks.map((c) => `GET ${c.url!.replace(/\/+$/, '')}/api/version`).join('\n'), code: true },
          { label: 'Passes when', value: opts.rule },
        ]
      : [
          {
            label: ':warning: Not verified by the bot',
            value:
              'SERVICE_URL_TEMPLATE is not configured, so nobody has checked /api/version: check it by hand several times (load balancer) before approving the next step.',
          },
        ],
    verification: configured ? opts.rule : 'A human checks /api/version; the bot does not claim it worked.',
    action: {
      kind: 'rollback.verify',
      params: { expected: opts.target, mode: opts.mode, checks: opts.checks.map((c) => ({ stack: c.stack, url: c.url ?? null })) },
    },
  };
}
