import pino from 'pino';
import { z } from 'zod';
import type { StepRunContext } from '../../../src/operations/runbook';
import { checkStateOf, parseStep, runStepOf, stepKind } from '../../../src/operations/step-kinds';
import type { Operation, Step } from '../../../src/operations/types';
import { retractRunbook } from '../../../src/runbooks/retract';
import { engineHarness } from './engine-harness';

const step = (kind: string, params: Record<string, unknown>): Step => ({
  id: 'the-step',
  title: 'The step',
  risk: 'mutating',
  preview: [],
  verification: '',
  action: { kind, params },
});

describe('parsing a stored step with its kind', () => {
  const kinds = [
    stepKind({ kind: 'cli.cycle', aliases: ['cli'], params: z.object({ command: z.literal('cycle') }), run: () => Promise.resolve({ ok: true, summary: '' }) }),
    stepKind({
      kind: 'cli.scale',
      aliases: ['cli'],
      params: z.object({ command: z.literal('scale'), nodes: z.number().int().min(1) }),
      run: () => Promise.resolve({ ok: true, summary: '' }),
    }),
  ];

  it('finds the kind by name, or by an alias several kinds share through the schema that accepts the params', () => {
    expect(parseStep(kinds, step('cli.scale', { command: 'scale', nodes: 3 }))).toMatchObject({ ok: true, kind: { kind: 'cli.scale' } });
    expect(parseStep(kinds, step('cli', { command: 'scale', nodes: 3 }))).toMatchObject({ ok: true, kind: { kind: 'cli.scale' }, params: { nodes: 3 } });
    expect(parseStep(kinds, step('cli', { command: 'cycle' }))).toMatchObject({ ok: true, kind: { kind: 'cli.cycle' } });
  });

  it('names the step and the field; for a shared alias, the field each kind refused', () => {
    expect(parseStep(kinds, step('cli.scale', { command: 'scale', nodes: 0 }))).toEqual({
      ok: false,
      error: expect.stringMatching(/^Step `the-step` \(cli\.scale\) has invalid parameters: field `nodes` /),
    });
    const shared = parseStep(kinds, step('cli', { command: 'scale', nodes: 'many' }));
    expect(shared).toEqual({ ok: false, error: expect.stringContaining('as cli.cycle, field `command`') });
    expect(!shared.ok && shared.error).toContain('as cli.scale, field `nodes`');
    expect(parseStep(kinds, step('shell', {}))).toEqual({ ok: false, error: 'Step `the-step` has the unknown kind `shell`.' });
  });
});

describe('the engine and step params', () => {
  it('refuses at plan time a plan whose builder wrote bad params: nothing is stored or run', async () => {
    const h = engineHarness();
    h.runbook.stepParams = () => ({ i: 'first' });
    await expect(h.propose()).rejects.toMatchObject({
      code: 'invalid_step',
      message: expect.stringMatching(/^The fake runbook built a plan it cannot run: Step `step-1` \(fake\) has invalid parameters: field `i` /),
    });
    expect(await h.store.listRecent(10)).toEqual([]);
    expect(h.runbook.runs).toEqual([]);
  });

  it('checks the params again before the step runs: a rebuilt plan with bad params fails the step, which never runs', async () => {
    const h = engineHarness();
    const op = await h.propose();
    h.runbook.stepParams = (i) => ({ i: -i - 1 });
    await h.approveAs(op, 'UAPP');
    await h.engine.idle();
    expect(await h.store.get(op.id)).toMatchObject({
      state: 'failed',
      results: [
        {
          outcome: 'failed',
          summary: expect.stringMatching(/Could not re-check the plan before running: .*Step `step-1` \(fake\) has invalid parameters: field `i`/),
        },
      ],
    });
    expect(h.runbook.runs).toEqual([]);
  });
});

describe('the stored input', () => {
  it("is parsed with the runbook's schema before a step runs: an invalid one is refused and nothing runs", async () => {
    const h = engineHarness();
    const plan = await h.runbook.buildPlan({ target: 'metapod' });
    const s = plan.steps[0]!;
    const context = { step: s, attempt: 1, logger: pino({ level: 'silent' }), signal: new AbortController().signal } as unknown as StepRunContext;
    expect(await runStepOf(h.runbook, s, { target: 42 }, context)).toEqual({
      ok: false,
      summary: expect.stringMatching(/^Refused: The operation's stored input is invalid: field `target` .*Nothing was run/),
    });
    expect(h.runbook.runs).toEqual([]);
    expect(await runStepOf(h.runbook, s, { target: 'metapod' }, context)).toMatchObject({ ok: true });
    expect(h.runbook.runs).toEqual([{ stepId: 'step-1', attempt: 1 }]);
  });
});

describe('a runbook that is not configured', () => {
  const logger = pino({ level: 'silent' });
  const ctx = (s: Step): StepRunContext => ({
    operation: { id: 'op-1', results: [] } as unknown as Operation,
    step: s,
    attempt: 1,
    logger,
    signal: new AbortController().signal,
    progress: () => undefined,
    recordExternalId: () => Promise.resolve(),
  });

  it('refuses every stored step, and every state check, with its "not configured" text', async () => {
    const rb = retractRunbook(undefined);
    expect(rb.unavailable).toBeDefined();
    const stored = step('metapod.retract', { kind: 'attribute', id: '5f2c0a4e-8d1b-4c3a-9f6e-1b2c3d4e5f60' });
    expect(await runStepOf(rb, stored, { kind: 'attribute', id: '5f2c0a4e-8d1b-4c3a-9f6e-1b2c3d4e5f60' }, ctx(stored))).toEqual({
      ok: false,
      summary: `Refused step \`the-step\`: ${rb.unavailable!} Nothing was run.`,
    });
    await expect(
      checkStateOf(
        rb,
        stored,
        { kind: 'attribute', id: '5f2c0a4e-8d1b-4c3a-9f6e-1b2c3d4e5f60' },
        { logger, signal: new AbortController().signal, externalIds: {} },
      ),
    ).resolves.toMatchObject({
      ok: false,
      summary: expect.stringContaining(rb.unavailable!),
    });
  });
});
