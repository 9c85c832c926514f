import { createRunbooks, RUNBOOK_MODULES } from '../../../src/runbooks';
import { allUsage, parseCommand } from '../../../src/slack/command-parser';
import { FakeMetapod } from '../builders';
import { restartWorker } from '../../fixtures/example-runbook';

// Adding a runbook: its folder (test/fixtures/example-runbook) and one line in the modules list.
const modules = [...RUNBOOK_MODULES, restartWorker];

describe('a runbook added by one folder and one line', () => {
  it('is listed in help with a usage line generated from its args, and its help names each field', () => {
    const runbooks = createRunbooks({ metapod: new FakeMetapod() }, modules);
    expect(allUsage(runbooks)).toContain('/runbook restart-worker <worker> [--reason <reason>]');
    const help = parseCommand('help restart-worker', runbooks);
    expect(help.kind === 'help' && help.usage.join('\n')).toMatch(/<worker> +the Metapod worker to restart/);
  });

  it('parses its slash command with the generated parser, and refuses bad words naming the field', () => {
    const runbooks = createRunbooks({ metapod: new FakeMetapod() }, modules);
    expect(parseCommand('restart-worker metapod-worker-3 --reason=stuck', runbooks)).toEqual({
      kind: 'runbook',
      runbook: 'restart-worker',
      input: { worker: 'metapod-worker-3', reason: 'stuck' },
    });
    const bad = parseCommand('restart-worker Worker_3', runbooks);
    expect(bad.kind === 'invalid' && bad.error).toBe('a worker name is lower-case letters, digits and dashes');
    const missing = parseCommand('restart-worker', runbooks);
    expect(missing.kind === 'invalid' && missing.error).toBe('Give the worker, like `metapod-worker-3`.');
  });

  it('plans and runs with its adapters, and refuses with the generated text without them', async () => {
    const ready = createRunbooks({ metapod: new FakeMetapod() }, modules).get('restart-worker')!;
    const plan = await ready.buildPlan({ worker: 'metapod-worker-3' }, { results: [] } as never);
    expect(plan.steps.map((s) => [s.id, s.risk])).toEqual([['restart', 'mutating']]);
    const missing = createRunbooks({}, modules).get('restart-worker')!;
    expect(missing.unavailable).toMatch(/^`\/runbook restart-worker` is disabled: .*METAPOD_URL/);
    await expect(missing.buildPlan({ worker: 'metapod-worker-3' }, { results: [] } as never)).rejects.toThrow(/is disabled/);
  });
});
