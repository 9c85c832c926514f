import pino from 'pino';
import type { ChangeSetInfo, CloudFormationActions, StackInfo } from '../../../../src/actions/cloudformation/types';
import type { GoCdActions, GoCdRun } from '../../../../src/actions/gocd/gocd-actions';
import type { ServiceVersionActions } from '../../../../src/actions/service-health/service-version';
import type { StepRunContext } from '../../../../src/operations/runbook';
import type { Operation, Step, StepResult } from '../../../../src/operations/types';
import { DEFAULT_ROLLBACK_TIMING, type RollbackDeps } from '../../../../src/runbooks/rollback';

/** CloudFormation in memory: change sets apply at once; every call is logged. */
export class MemoryCloudFormation implements CloudFormationActions {
  calls: string[] = [];
  stacks = new Map<string, StackInfo>();
  changeSets = new Map<string, ChangeSetInfo & { changesToApply: Record<string, string> }>();

  add(name: string, parameters: Record<string, string>, status = 'UPDATE_COMPLETE'): void {
    this.stacks.set(name, { name, id: `id-${name}`, status, parameters });
  }
  describeStack(name: string) {
    this.calls.push(`describeStack ${name}`);
    return Promise.resolve(this.stacks.get(name) && structuredClone(this.stacks.get(name)));
  }
  listStackNames(pattern: RegExp) {
    this.calls.push('listStackNames');
    return Promise.resolve([...this.stacks.keys()].filter((n) => pattern.test(n)).sort());
  }
  templateSummary(name: string) {
    return Promise.resolve({ parameterKeys: Object.keys(this.stacks.get(name)!.parameters), capabilities: [] });
  }
  createChangeSet(req: Parameters<CloudFormationActions['createChangeSet']>[0]) {
    this.calls.push(`createChangeSet ${req.stackName}`);
    const id = `cs-${req.changeSetName}-${req.stackName}`;
    const changes = Object.keys(req.changes).map((k) => ({
      action: 'Modify',
      logicalId: `${k}Resource`,
      resourceType: 'AWS::X',
      replacement: 'False',
      scope: ['Properties'],
    }));
    this.changeSets.set(id, {
      id,
      name: req.changeSetName,
      stackName: req.stackName,
      status: 'CREATE_COMPLETE',
      executionStatus: 'AVAILABLE',
      parameters: {},
      changes,
      changesToApply: req.changes,
    });
    return Promise.resolve({ id });
  }
  describeChangeSet(_stack: string, id: string) {
    return Promise.resolve(structuredClone(this.changeSets.get(id)!));
  }
  executeChangeSet(stack: string, id: string) {
    this.calls.push(`executeChangeSet ${stack}`);
    const cs = this.changeSets.get(id)!;
    Object.assign(this.stacks.get(stack)!.parameters, cs.changesToApply);
    cs.executionStatus = 'EXECUTE_COMPLETE';
    return Promise.resolve();
  }
  deleteChangeSet() {
    return Promise.resolve();
  }
  stackEvents() {
    return Promise.resolve([]);
  }
  waitForChangeSet(_stack: string, id: string) {
    return Promise.resolve({ ok: true, state: 'SUCCESS', final: structuredClone(this.changeSets.get(id)!) });
  }
  waitForStackUpdate(stack: string) {
    return Promise.resolve({ ok: true, state: 'SUCCESS', final: structuredClone(this.stacks.get(stack)!) });
  }
}

/** GoCD in memory. */
export class MemoryGoCd implements GoCdActions {
  history: GoCdRun[] = [];
  running: GoCdRun[] = [];
  historyPageUrl(p: string) {
    return `https://go.example/go/tab/pipeline/history/${p}`;
  }
  pipelineHistory() {
    return Promise.resolve(this.history);
  }
  runningRuns() {
    return Promise.resolve(this.running);
  }
  runsSince() {
    return Promise.resolve([]);
  }
}

export const run = (counter: number, sha: string, state: GoCdRun['state'] = 'passed'): GoCdRun => ({
  pipeline: 'metapod',
  counter,
  label: String(counter),
  commit: { revision: sha },
  commits: [],
  state,
  stages: [],
});

/** Rollback dependencies over the in-memory fakes; the service answers `versions` in turn. */
export function deps(
  cfn: MemoryCloudFormation,
  gocd: MemoryGoCd | undefined,
  versions: string[] = [],
  template: string | null = 'https://{service}.{shard}.example',
): RollbackDeps {
  let i = 0;
  const svc: ServiceVersionActions = { fetchVersion: (url) => Promise.resolve({ at: '', url, version: versions[i++ % Math.max(1, versions.length)] }) };
  return {
    cfn,
    gocd,
    versions: svc,
    serviceUrlTemplate: template ?? undefined,
    pipelineTemplate: '{service}',
    toProdPipeline: 'to-prod',
    timing: { ...DEFAULT_ROLLBACK_TIMING, verify: { intervalMs: 1, timeoutMs: 200, needed: 3, window: 10, settledWindow: 5 } },
  };
}

export const logger = pino({ level: 'silent' });

/** A StepRunContext for an operation whose results so far are `results`. */
export function runContext(step: Step, results: StepResult[], attempt = 1): StepRunContext & { progressed: string[] } {
  const progressed: string[] = [];
  const operation = { id: 'op-abcd2345', results } as unknown as Operation;
  return {
    operation,
    step,
    attempt,
    logger,
    signal: new AbortController().signal,
    progress: (t) => progressed.push(t),
    recordExternalId: () => Promise.resolve(),
    progressed,
  };
}

/** The StepResult the engine would store for an outcome. */
export function resultOf(stepId: string, outcome: { ok: boolean; summary: string; externalIds?: Record<string, string> }): StepResult {
  return {
    stepId,
    attempt: 1,
    outcome: outcome.ok ? 'succeeded' : 'failed',
    summary: outcome.summary,
    details: [],
    externalIds: outcome.externalIds ?? {},
    startedAt: '',
    finishedAt: '',
    durationMs: 0,
  };
}
