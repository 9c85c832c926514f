import { BackendError } from '../../../../src/actions/http/errors';
import { stepFingerprint } from '../../../../src/operations/fingerprint';
import type { StepResult } from '../../../../src/operations/types';
import { runStepOf } from '../../../../src/operations/step-kinds';
import { rollbackRunbook, rollbackUndoRunbook } from '../../../../src/runbooks/rollback';
import { deps, logger, MemoryCloudFormation, MemoryGoCd, resultOf, run, runContext } from './in-memory';

const SHA = (c: string): string => c.repeat(40);
const ctx = (results: StepResult[] = []) => ({ logger, now: new Date('2026-11-24T12:00:00Z'), results });
const input = { service: 'metapod', shards: [], inPlace: false };

function world(): { cfn: MemoryCloudFormation; gocd: MemoryGoCd } {
  const cfn = new MemoryCloudFormation();
  cfn.add('prod-global-k-metapod', { BlueVersion: 'ccccccc', BlueInstanceCount: '3', GreenVersion: 'aaaaaaa', GreenInstanceCount: '0' });
  const gocd = new MemoryGoCd();
  gocd.history = [run(42, SHA('c')), run(41, SHA('b')), run(40, SHA('a'))];
  return { cfn, gocd };
}

describe('the rollback plan across its steps', () => {
  it('is the same plan when nothing changed, and binds the deploy approval to the stack and change set', async () => {
    const { cfn, gocd } = world();
    const rb = rollbackRunbook(deps(cfn, gocd, ['bbbbbbb']));
    const a = await rb.buildPlan(input, ctx());
    expect((await rb.buildPlan(input, ctx())).fingerprint).toBe(a.fingerprint);
    expect(a.steps.map((s) => [s.id, s.risk])).toEqual([
      ['prepare', 'read-only'],
      ['deploy', 'mutating'],
      ['verify', 'read-only'],
      ['prepare-scale-down', 'read-only'],
      ['scale-down', 'destructive'],
      ['verify-settled', 'read-only'],
    ]);
    expect(a.steps[0]!.action.params).toMatchObject({
      target: 'bbbbbbb',
      sets: [
        {
          stack: 'prod-global-k-metapod',
          changes: { GreenVersion: 'bbbbbbb', GreenInstanceCount: '3' },
          before: { GreenVersion: 'aaaaaaa', GreenInstanceCount: '0' },
        },
      ],
    });
    expect(a.menu?.options.map((o) => o.label)).toEqual(['#40 aaaaaaa']);

    const prepared = await runStepOf(rb, a.steps[0]!, input, runContext(a.steps[0]!, []));
    expect(prepared).toMatchObject({
      ok: true,
      externalIds: { target: 'bbbbbbb', 'before:prod-global-k-metapod': 'GreenVersion=aaaaaaa,GreenInstanceCount=0' },
    });
    const results = [resultOf('prepare', prepared)];
    const gate = await rb.buildPlan(input, ctx(results));
    const deploy = gate.steps[1]!;
    expect(deploy.action.params).toMatchObject({ sets: [{ stack: 'prod-global-k-metapod', changeSetId: expect.stringMatching(/^cs-/) }] });
    const bound = stepFingerprint(deploy, gate.facts);
    expect(stepFingerprint((await rb.buildPlan(input, ctx(results))).steps[1]!, gate.facts)).toBe(bound);
    // A new build on GoCD does not move the target of prepared change sets.
    gocd.history.unshift(run(43, SHA('d')));
    const later = await rb.buildPlan(input, ctx(results));
    expect(stepFingerprint(later.steps[1]!, later.facts)).toBe(bound);
    // A hand-made change to the stack does.
    cfn.stacks.get('prod-global-k-metapod')!.parameters.BlueInstanceCount = '4';
    const changed = await rb.buildPlan(input, ctx(results));
    expect(stepFingerprint(changed.steps[1]!, changed.facts)).not.toBe(bound);
    expect(cfn.calls.filter((c) => c.startsWith('execute'))).toEqual([]);
  });

  it('after deploy and verification, offers to take down exactly the bad color; never before verification', async () => {
    const { cfn, gocd } = world();
    const rb = rollbackRunbook(deps(cfn, gocd, ['ccccccc', 'bbbbbbb']));
    const plan = await rb.buildPlan(input, ctx());
    const results: StepResult[] = [resultOf('prepare', await runStepOf(rb, plan.steps[0]!, input, runContext(plan.steps[0]!, [])))];
    const gate = await rb.buildPlan(input, ctx(results));
    results.push(resultOf('deploy', await runStepOf(rb, gate.steps[1]!, input, runContext(gate.steps[1]!, results))));
    expect(cfn.stacks.get('prod-global-k-metapod')!.parameters).toMatchObject({ GreenVersion: 'bbbbbbb', GreenInstanceCount: '3', BlueInstanceCount: '3' });

    const afterDeploy = await rb.buildPlan(input, ctx(results));
    expect(afterDeploy.menu).toBeUndefined();
    const scale = afterDeploy.steps[3]!;
    expect(scale.action.params).toMatchObject({ sets: [{ changes: { BlueInstanceCount: '0' }, before: { BlueInstanceCount: '3' } }] });
    // Refused while verification has not succeeded, whatever asks.
    expect(await runStepOf(rb, scale, input, runContext(scale, results))).toEqual({
      ok: false,
      summary: 'Refused: the bad color is only taken down after the new version was verified, and it was not.',
    });
    expect(await runStepOf(rb, afterDeploy.steps[4]!, input, runContext(afterDeploy.steps[4]!, results))).toMatchObject({ ok: false });

    // A to-prod that starts during the verification does not cut it short; it blocks taking the bad color down.
    gocd.running = [run(8, SHA('f'), 'running')];
    await expect(rb.buildPlan(input, ctx(results))).resolves.toBeDefined();
    const verified = await runStepOf(rb, afterDeploy.steps[2]!, input, runContext(afterDeploy.steps[2]!, results));
    expect(verified).toMatchObject({ ok: true, summary: 'bbbbbbb answers on every stack.' });
    results.push(resultOf('verify', verified));
    await expect(rb.buildPlan(input, ctx(results))).rejects.toThrow(/A `to-prod` run is in progress/);
    gocd.running = [];
    expect(await runStepOf(rb, scale, input, runContext(scale, results))).toMatchObject({ ok: true });
  });

  it('without SERVICE_URL_TEMPLATE, verification is handed to people and never claims success', async () => {
    const { cfn, gocd } = world();
    const rb = rollbackRunbook(deps(cfn, gocd, [], null));
    const verify = (await rb.buildPlan(input, ctx())).steps[2]!;
    expect(verify.title).toBe('Hand verification over to people (SERVICE_URL_TEMPLATE is not set)');
    const outcome = await runStepOf(rb, verify, input, runContext(verify, []));
    expect(outcome.summary).toMatch(/^NOT verified by the bot: SERVICE_URL_TEMPLATE is not configured\. Check \/api\/version by hand/);
  });

  it('refuses without GoCD, while to-prod runs, and for a stack in progress', async () => {
    const { cfn, gocd } = world();
    await expect(rollbackRunbook(deps(cfn, undefined)).buildPlan(input, ctx())).rejects.toThrow(/`GOCD_URL` is not configured/);
    gocd.running = [run(7, SHA('f'), 'running')];
    await expect(rollbackRunbook(deps(cfn, gocd)).buildPlan(input, ctx())).rejects.toThrow(
      'A `to-prod` run is in progress on GoCD (#7): https://go.example/go/tab/pipeline/history/to-prod. Its deploy would race with the rollback: wait until it finishes, then try again.',
    );
    gocd.running = [];
    cfn.stacks.get('prod-global-k-metapod')!.status = 'UPDATE_ROLLBACK_IN_PROGRESS';
    await expect(rollbackRunbook(deps(cfn, gocd)).buildPlan(input, ctx())).rejects.toThrow(/`prod-global-k-metapod` is UPDATE_ROLLBACK_IN_PROGRESS/);
  });

  it('verification timeout proposes the undo of the recorded values; the undo plan restores them', async () => {
    const { cfn, gocd } = world();
    const d = deps(cfn, gocd, ['ccccccc']);
    const rb = rollbackRunbook(d);
    const plan = await rb.buildPlan(input, ctx());
    const results: StepResult[] = [resultOf('prepare', await runStepOf(rb, plan.steps[0]!, input, runContext(plan.steps[0]!, [])))];
    const gate = await rb.buildPlan(input, ctx(results));
    results.push(resultOf('deploy', await runStepOf(rb, gate.steps[1]!, input, runContext(gate.steps[1]!, results))));
    const verify = (await rb.buildPlan(input, ctx(results))).steps[2]!;
    const outcome = await runStepOf(rb, verify, input, runContext(verify, results));
    expect(outcome).toMatchObject({ ok: false, summary: 'Verification timed out: bbbbbbb was not seen as expected within 0 s.' });
    expect(outcome.followUp).toEqual({
      runbook: 'rollback-undo',
      input: { service: 'metapod', stacks: [{ stack: 'prod-global-k-metapod', parameters: { GreenVersion: 'aaaaaaa', GreenInstanceCount: '0' } }] },
      why: 'Verification timed out: bbbbbbb was not seen as expected within 0 s. Undo: restore the previous parameters of prod-global-k-metapod.',
    });

    const undo = rollbackUndoRunbook(d);
    const undoInput = undo.inputSchema.parse(outcome.followUp!.input);
    const undoPlan = await undo.buildPlan(undoInput, ctx());
    expect(undoPlan.steps.map((s) => [s.id, s.risk])).toEqual([
      ['prepare', 'read-only'],
      ['restore', 'mutating'],
    ]);
    const undoResults = [resultOf('prepare', await runStepOf(undo, undoPlan.steps[0]!, undoInput, runContext(undoPlan.steps[0]!, [])))];
    const undoGate = await undo.buildPlan(undoInput, ctx(undoResults));
    expect(await runStepOf(undo, undoGate.steps[1]!, undoInput, runContext(undoGate.steps[1]!, undoResults))).toMatchObject({ ok: true });
    expect(cfn.stacks.get('prod-global-k-metapod')!.parameters).toEqual({
      BlueVersion: 'ccccccc',
      BlueInstanceCount: '3',
      GreenVersion: 'aaaaaaa',
      GreenInstanceCount: '0',
    });
    await expect(undo.buildPlan(undoInput, ctx())).rejects.toThrow('Nothing to undo: `prod-global-k-metapod` already have the previous parameters.');
    expect(undo.parse(['x'])).toMatchObject({ ok: false });
  });

  it('turns backend failures during planning into refusals that say what could not be read, escaped for Slack', async () => {
    const { cfn, gocd } = world();
    gocd.pipelineHistory = () => Promise.reject(new BackendError('GoCD', 'http_status', 'GoCD answered 502 Bad Gateway for `metapod`: <html>', 502));
    await expect(rollbackRunbook(deps(cfn, gocd)).buildPlan(input, ctx())).rejects.toThrow(
      'Could not read the build history of `metapod` on GoCD: GoCD answered 502 Bad Gateway for `metapod`: &lt;html&gt;',
    );
    cfn.describeStack = () =>
      Promise.reject(
        new BackendError(
          'CloudFormation',
          'connection_refused',
          'Could not connect to CloudFormation while describing stack prod-global-k-metapod: connection refused.',
        ),
      );
    await expect(rollbackRunbook(deps(cfn, new MemoryGoCd())).buildPlan(input, ctx())).rejects.toThrow(
      'Could not read stack prod-global-k-metapod: Could not connect to CloudFormation',
    );
  });
});
