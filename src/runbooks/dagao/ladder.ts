import type { CliAllowList } from '../../actions/cli/allow-list';
import type { CliCommand } from '../../actions/cli/commands';
import { displayCommand } from '../../actions/cli/format';
import type { CliRunner } from '../../actions/cli/runner';
import { makePlan } from '../../operations/fingerprint';
import type { Plan, PreviewLine, Step, StepResult } from '../../operations/types';
import { escapeMrkdwn } from '../../util/text';
import { commandPreview } from '../cli-step';
import { txOrigin, type DagaoInput, type DagaoStart } from './input';

export interface LadderDeps {
  allowList: CliAllowList;
  runner: CliRunner;
  dagId: string;
  pipelines: string[];
  airflowUrl: string;
  /** True when a runbook named `rollback` is registered (the last rung hands over to it). */
  rollbackAvailable: boolean;
}

/** The rungs in the runbook's order; `check-N` reads the result of `retry-N` and decides whether to go on. */
const RUNGS = ['cycle', 'retry-1', 'check-1', 'scale', 'retry-2', 'check-2', 'rollback'] as const;
export type Rung = (typeof RUNGS)[number];

const FIRST_RUNG: Record<DagaoStart, Rung> = { status: 'cycle', cycle: 'cycle', retry: 'retry-1', scale: 'scale', rollback: 'rollback' };

/** What earlier steps found, read back from their results (external ids are strings by design). */
export interface LadderState {
  diagnosis?: StepResult;
  runFailed: boolean;
  tx?: string;
  /** `pipeline#counter` of the newest deploy before the failure. */
  suspect?: string;
  /** The rung after which the dagão recovered, if it did. */
  recoveredAt?: 'check-1' | 'check-2';
}

/** Reads what the steps so far found: whether the run failed, the transaction, whether a retry recovered it. */
export function ladderState(input: DagaoInput, results: readonly StepResult[]): LadderState {
  const last = (id: string): StepResult | undefined => [...results].reverse().find((r) => r.stepId === id && r.outcome === 'succeeded');
  const diagnosis = last('diagnose');
  const recovered = (n: 1 | 2): boolean => last(`retry-${n}`)?.externalIds.dagRunState === 'success';
  return {
    diagnosis,
    // Before the diagnosis ran we plan the whole ladder; the diagnosis may cut it.
    runFailed: diagnosis === undefined || diagnosis.externalIds.dagRunState === 'failed',
    tx: input.tx ?? last('transaction')?.externalIds.transactionId,
    suspect: diagnosis?.externalIds.suspectDeploy,
    recoveredAt: recovered(1) ? 'check-1' : recovered(2) ? 'check-2' : undefined,
  };
}

/** The rungs this operation offers now, given where it started and what happened. */
export function rungsOf(input: DagaoInput, state: LadderState): Rung[] {
  if (!state.runFailed) return [];
  const rungs = RUNGS.slice(RUNGS.indexOf(FIRST_RUNG[input.from]));
  if (state.recoveredAt && rungs.includes(state.recoveredAt)) return rungs.slice(0, rungs.indexOf(state.recoveredAt) + 1);
  return [...rungs];
}

/** A command line with unknown values shown as `<what>` (previews before the transaction is known). */
function templateLine(deps: LadderDeps, command: CliCommand, shown: Record<string, string>): PreviewLine {
  const args = command.argv.map((w) => w.replace(/\{([a-z_]+)\}/g, (_m, k: string) => shown[k] ?? `<${k}>`));
  return { label: 'Command', value: displayCommand(deps.runner.binPath(command.bin), args), code: true };
}

const RUNG_NAMES: Record<Rung, string> = {
  cycle: 'cycle machines',
  'retry-1': 'retry',
  'check-1': '',
  scale: 'scale',
  'retry-2': 'retry',
  'check-2': '',
  rollback: 'rollback',
};

/** "✅ cycle machines → ▶ retry → scale → retry → rollback": where on the ladder the operation is. */
export function ladderLine(rungs: readonly Rung[], results: readonly StepResult[]): string {
  const shown = rungs.filter((r) => !r.startsWith('check'));
  let next = false;
  return shown
    .map((r) => {
      const result = [...results].reverse().find((x) => x.stepId === r);
      if (result) return `${result.outcome === 'succeeded' ? ':white_check_mark:' : ':x:'} ${RUNG_NAMES[r]}`;
      if (!next) {
        next = true;
        return `:arrow_forward: *${RUNG_NAMES[r]}*`;
      }
      return RUNG_NAMES[r];
    })
    .join(' → ');
}

function rungStep(rung: Rung, input: DagaoInput, state: LadderState, deps: LadderDeps, rungs: readonly Rung[]): Step {
  const retry = deps.allowList.get('dagao-retry');
  switch (rung) {
    case 'cycle': {
      const command = deps.allowList.prepare('cycle-machines', {});
      return {
        id: rung,
        title: 'Cycle all mesos on-demand machines',
        risk: command.risk,
        preview: commandPreview(deps.runner, command),
        explanation: `${deps.allowList.get('cycle-machines').description} The runbook's first answer to generic errors.`,
        verification: '`nu` exits with code 0; its output is posted in this thread.',
        action: { kind: 'cli.cycle-machines', params: { command: command.name } },
      };
    }
    case 'retry-1':
    case 'retry-2': {
      const preview = state.tx
        ? commandPreview(deps.runner, deps.allowList.prepare('dagao-retry', { transaction: state.tx }))
        : [templateLine(deps, retry, {})];
      return {
        id: rung,
        title: state.tx ? `Retry the dagão on transaction ${state.tx}` : 'Retry the dagão on the same transaction',
        risk: retry.risk,
        preview: [
          ...preview,
          { label: 'Transaction', value: state.tx ?? 'not known yet: found by the transaction step above' },
          { label: 'Then', value: `watch the new run of \`${deps.dagId}\` in Airflow (${deps.airflowUrl}) until it ends` },
        ],
        explanation: `${retry.description} Refused if a run of \`${deps.dagId}\` is already going.`,
        verification: '`sabesp` exits with code 0, then the new Airflow run is watched and its outcome posted here.',
        action: { kind: 'cli.dagao-retry', params: { command: retry.name, transaction: state.tx ?? null } },
      };
    }
    case 'check-1':
    case 'check-2': {
      const n = rung.slice(-1);
      const after = rungs[rungs.indexOf(rung) + 1];
      return {
        id: rung,
        title: `Check the outcome of retry ${n}`,
        risk: 'read-only',
        preview: [{ label: 'Decides', value: after ? `stop here if the run succeeded, otherwise offer: ${RUNG_NAMES[after]}` : 'the ladder ends here' }],
        verification: 'The decision is posted in this thread.',
        action: { kind: 'dagao.check', params: { retry: `retry-${n}` } },
      };
    }
    case 'scale': {
      const command = deps.allowList.prepare('scale-cluster', { nodes: input.nodes });
      return {
        id: rung,
        title: `Scale the cluster to ${input.nodes} nodes`,
        risk: command.risk,
        preview: commandPreview(deps.runner, command),
        explanation: `${deps.allowList.get('scale-cluster').description} Choose another size with \`/runbook dagao scale <nodes>\`.`,
        verification: '`sabesp` exits with code 0; its output is posted in this thread.',
        action: { kind: 'cli.scale-cluster', params: { command: command.name, ...command.params } },
      };
    }
    case 'rollback': {
      const handover = deps.rollbackAvailable && state.suspect;
      return {
        id: rung,
        title: 'Roll back to a version that worked',
        risk: 'read-only',
        preview: [
          {
            label: 'Does',
            value: handover
              ? `proposes \`/runbook rollback ${state.suspect!.split('#')[0]!}\` (the newest deploy before the failure, ${state.suspect!}) as its own operation, which needs its own approval`
              : 'explains the manual rollback (the rollback runbook is not available, or no deploy preceded the failure)',
          },
          { label: 'Then', value: `retry with \`/runbook dagao retry${state.tx ? ` --tx ${state.tx}` : ''}\`` },
        ],
        verification: 'The rollback is proposed (or explained) in this thread.',
        action: { kind: 'dagao.rollback', params: { suspect: state.suspect ?? null } },
      };
    }
  }
}

/** The dagão plan: diagnosis, transaction, then the rungs offered so far, computed only from input and results. */
export function buildLadderPlan(input: DagaoInput, results: readonly StepResult[], deps: LadderDeps): Plan {
  const state = ladderState(input, results);
  const rungs = rungsOf(input, state);
  const diagnose: Step = {
    id: 'diagnose',
    title: input.runId ? 'Diagnose the failed dagão run' : 'Diagnose the latest dagão run',
    risk: 'read-only',
    preview: [
      {
        label: 'Airflow',
        value: `${input.runId ? `run ${input.runId}` : 'the latest run'} of \`${deps.dagId}\`, its failed tasks and the end of their logs (${deps.airflowUrl}, REST API v1 or v2 as the server speaks)`,
      },
      { label: 'GoCD', value: `deploys of ${deps.pipelines.join(', ')} in the 24 h before the failure` },
    ],
    verification: 'The run, failed tasks, log excerpts, recent deploys and a verdict are posted in this thread.',
    action: { kind: 'dagao.diagnose', params: { runId: input.runId ?? null } },
  };
  const transaction: Step = {
    id: 'transaction',
    title: 'Find the Metapod transaction',
    risk: 'read-only',
    preview: [
      {
        label: 'Source',
        value: input.tx
          ? `${txOrigin(input)}: ${input.tx}`
          : 'the newest message in this channel that names a transaction (last 100 messages); override with `--tx <id>`',
      },
    ],
    verification: 'The transaction id is posted in this thread.',
    action: { kind: 'dagao.transaction', params: { tx: input.tx ?? null } },
  };
  const steps = [diagnose, transaction, ...rungs.map((r) => rungStep(r, input, state, deps, rungs))];
  const where = !state.runFailed
    ? 'Nothing failed: no recovery is offered.'
    : state.recoveredAt
      ? `The dagão recovered after ${state.recoveredAt === 'check-1' ? 'the first' : 'the second'} retry.`
      : `Recovery ladder: ${ladderLine(rungs, results)}`;
  return makePlan({
    runbook: 'dagao',
    title: `Dagão recovery (${deps.dagId})`,
    summary: `Runbook "Basic steps to handling Airflow DAG errors" for \`${escapeMrkdwn(deps.dagId)}\`. Each rung needs its own approval and is offered only after the previous one ran.\n${where}`,
    facts: { dagId: deps.dagId, input, tx: state.tx ?? null, suspect: state.suspect ?? null, rungs, rollbackAvailable: deps.rollbackAvailable },
    steps,
  });
}
