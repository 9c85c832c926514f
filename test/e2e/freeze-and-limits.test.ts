import { createFakeCli, type FakeCli } from '../../src/sandbox/fakes/fake-cli';
import { configFile } from '../support/config-file';
import { waitFor } from '../support/wait-for';
import { DATASET_ID, messageShowing, snapshot, startE2E, textOf, type E2E } from './harness';

describe('the freeze and the per-hour limit, end to end', () => {
  let e2e: E2E | undefined;
  let cli: FakeCli;
  beforeEach(() => (cli = createFakeCli()));
  afterEach(async () => {
    await e2e?.close();
    e2e?.slack.assertNoUnexpected();
    e2e?.metapod.assertNoUnexpected();
    e2e = undefined;
    cli.remove();
  });

  const answer = async (bot: E2E, text: string, user: string): Promise<{ text: string; response_type?: string }> => {
    const { responseUrl } = await bot.command(text, user);
    const body = await waitFor(() => bot.slack.responsesTo(responseUrl)[0], { what: `the answer to /runbook ${text}` });
    return { text: textOf(body), response_type: (body as { response_type?: string }).response_type };
  };

  it('approvers only; refuses new mutating operations and pending approvals with the reason; read-only diagnosis keeps working', async () => {
    e2e = await startE2E({ env: { APPROVERS: 'UBOSS,SONCALL', SABESP_BIN: cli.path('sabesp'), NU_BIN: cli.path('nu') }, usergroups: { SONCALL: ['UONCALL'] } });
    // A plan proposed before the freeze, waiting for approval.
    await e2e.command(`retract committed-dataset ${DATASET_ID}`);
    const pending = snapshot(await e2e.planMessage());

    expect((await answer(e2e, 'freeze on migration of the metapod cluster', 'UREQ')).text).toMatch(/Only approvers may turn the freeze on or off/);
    const on = await answer(e2e, 'freeze on migration of the metapod cluster', 'UONCALL');
    expect(on.response_type).toBe('in_channel');
    expect(on.text).toMatch(/Changes are frozen\* since .* by <@UONCALL>: migration of the metapod cluster/);

    // A new mutating operation is refused with the reason; nothing is posted or called.
    const refused = await answer(e2e, `retract attribute ${DATASET_ID}`, 'UREQ');
    expect(refused.text).toMatch(/Changes are frozen \(by <@UONCALL> at .*\): migration of the metapod cluster\. Read-only diagnosis still works/);
    // The pending plan cannot be approved while frozen.
    await e2e.click(pending, 'op_approve', 'UBOSS');
    expect(await waitFor(() => e2e!.ephemeralsFor('UBOSS')[0], { what: 'the refusal' })).toMatch(/Changes are frozen .* Nothing was run/);
    expect(e2e.metapod.requests).toHaveLength(0);

    // Read-only diagnosis still runs.
    cli.script('sabesp', { stdout: ['JOB    STATE', 'dagao  RUNNING'], exitCode: 0 });
    await e2e.command('aurora status dagao');
    const status = await e2e.planMessage((m) => /aurora|sabesp/i.test(textOf(m)));
    await messageShowing(e2e.slack, status.ts, /Succeeded/);

    expect((await answer(e2e, 'freeze', 'UREQ')).text).toMatch(/Changes are frozen/);
    expect((await answer(e2e, 'freeze off migration done', 'UBOSS')).text).toMatch(/No freeze: lifted by <@UBOSS> .*migration done/);
    await e2e.click(pending, 'op_approve', 'UBOSS');
    await messageShowing(e2e.slack, pending.ts, /Succeeded/);
    expect(e2e.metapod.requests).toHaveLength(1);
  });

  it('refuses the freeze without a reason', async () => {
    e2e = await startE2E();
    // Malformed commands are answered in the acknowledgement itself.
    const ack = await e2e.command('freeze on', 'UBOSS');
    expect(ack.text).toMatch(/Say why/);
    expect(await e2e.bot.store.getSetting('freeze')).toBeUndefined();
  });

  it('at most N operations of a runbook per target per hour; other targets and runbooks are not affected', async () => {
    cli.script('sabesp', { stdout: ['ok'], exitCode: 0 });
    const path = configFile('approvals:\n  limits:\n    - runbooks: [aurora]\n      targets: [etl-*]\n      perHour: 2\n');
    e2e = await startE2E({ env: { RUNBOOK_CONFIG: path, SABESP_BIN: cli.path('sabesp'), NU_BIN: cli.path('nu') } });
    for (let i = 0; i < 2; i++) {
      await e2e.command('aurora kill etl-nightly');
      await waitFor(async () => (await e2e!.bot.store.listRecent(10)).length === i + 1, { what: `operation ${i + 1}` });
      // Stored as done, so the next identical request is not a twin of a pending one: the limit counts what was done too.
      const [op] = await e2e.bot.store.listByState(['awaiting_approval']);
      const now = new Date().toISOString();
      const result = {
        stepId: op!.plan.steps[0]!.id,
        attempt: 1,
        outcome: 'succeeded' as const,
        summary: 'done',
        details: [],
        externalIds: {},
        startedAt: now,
        finishedAt: now,
        durationMs: 0,
      };
      await e2e.bot.store.update({ ...op!, state: 'succeeded', expiresAt: undefined, results: [result] }, [{ actor: 'system', type: 'succeeded', detail: {} }]);
    }
    const third = await answer(e2e, 'aurora kill etl-nightly', 'UREQ');
    expect(third.text).toMatch(
      /aurora for etl-nightly was requested 2 times in the last hour \(`op-\w+`, `op-\w+`\); the limit in runbook-bot\.yml is 2 per hour\. The next one is possible after \d\d:\d\d UTC/,
    );
    expect(await e2e.bot.store.listRecent(10)).toHaveLength(2);
    // Another target, and a target outside the limit's globs, are not limited.
    await e2e.command('aurora kill etl-hourly');
    await e2e.command('aurora kill dagao');
    await waitFor(async () => (await e2e!.bot.store.listRecent(10)).length === 4, { what: 'the two other operations' });
    expect(cli.calls('sabesp')).toEqual([]);
  });
});
