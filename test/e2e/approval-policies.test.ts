import { startOpsgenieFake, type OpsgenieFake } from '../../src/sandbox/fakes/opsgenie';
import { startPagerDutyFake, type PagerDutyFake } from '../../src/sandbox/fakes/pagerduty';
import { startSlackEmulator } from '../../src/sandbox/fakes/slack-api';
import { configFile } from '../support/config-file';
import { waitFor } from '../support/wait-for';
import { DATASET_ID, messageShowing, snapshot, startE2E, textOf, type E2E } from './harness';

const SCHEDULES = `
  oncall:
    schedules:
      - { name: data-infra-pd, provider: pagerduty, schedule: PDATA01 }
      - { name: data-infra-og, provider: opsgenie, schedule: data_infra_schedule }
`;

describe('approval policies from runbook-bot.yml, end to end', () => {
  let e2e: E2E | undefined;
  let pd: PagerDutyFake;
  let og: OpsgenieFake;
  beforeEach(async () => {
    pd = await startPagerDutyFake();
    og = await startOpsgenieFake();
  });
  afterEach(async () => {
    await e2e?.close();
    e2e?.slack.assertNoUnexpected();
    e2e?.metapod.assertNoUnexpected();
    pd.assertNoUnexpected();
    og.assertNoUnexpected();
    await pd.close();
    await og.close();
    e2e = undefined;
  });

  async function start(yaml: string, setup: { usergroups?: Record<string, string[]>; emails?: Record<string, string> } = {}): Promise<E2E> {
    const slack = await startSlackEmulator({ usergroups: setup.usergroups, emails: setup.emails });
    const started = await startE2E({
      slack,
      env: { RUNBOOK_CONFIG: configFile(yaml), PAGERDUTY_API_URL: pd.url, PAGERDUTY_TOKEN: pd.token, OPSGENIE_API_URL: og.url, OPSGENIE_API_KEY: og.apiKey },
    });
    // startE2E does not own an emulator it was given: close it with the bot.
    const close = started.close.bind(started);
    started.close = async () => {
      await close();
      await slack.close();
    };
    return started;
  }

  async function refusalFor(user: string): Promise<string> {
    return waitFor(() => e2e!.ephemeralsFor(user).at(-1), { what: `the answer to ${user}` });
  }

  it('a user-group policy: the plan says the rule in words, outsiders are refused, a member approves', async () => {
    e2e = await start(`approvals:\n  policies:\n    - name: metapod-data\n      runbooks: [retract]\n      approvers: { groups: [SDATAINFRA] }\n`, {
      usergroups: { SDATAINFRA: ['UMEMBER'] },
    });
    await e2e.command(`retract committed-dataset ${DATASET_ID}`);
    const plan = snapshot(await e2e.planMessage());
    expect(textOf(plan)).toContain('the rule (policy metapod-data) needs 1 of <!subteam^SDATAINFRA>, not the requester');
    await e2e.click(plan, 'op_approve', 'UOUTSIDER');
    expect(await refusalFor('UOUTSIDER')).toMatch(/Only <!subteam\^SDATAINFRA> may approve this step\. Nothing was run/);
    await e2e.click(plan, 'op_approve', 'UMEMBER');
    await messageShowing(e2e.slack, plan.ts, /Succeeded/);
    expect(e2e.metapod.requests).toHaveLength(1);
  });

  it('a count and an exclusion: two distinct approvers, the excluded one never counts', async () => {
    e2e = await start(`approvals:\n  policies:\n    - runbooks: [retract]\n      count: 2\n      exclude: { users: [UINTERN] }\n`);
    await e2e.command(`retract attribute ${DATASET_ID}`);
    const plan = snapshot(await e2e.planMessage());
    expect(textOf(plan)).toContain(
      'Needs 2 more approvals: the rule (policy policies[0]) needs 2 approvers: any member of the channel except the requester, not <@UINTERN>',
    );
    await e2e.click(plan, 'op_approve', 'UINTERN');
    expect(await refusalFor('UINTERN')).toMatch(/you are excluded from approving it/);
    await e2e.click(plan, 'op_approve', 'UONE');
    await waitFor(() => /1 more approver/.test(e2e!.ephemeralsFor('UONE').join('\n')), { what: 'one more approver needed' });
    expect(e2e.metapod.requests).toHaveLength(0);
    await e2e.click(plan, 'op_approve', 'UTWO');
    await messageShowing(e2e.slack, plan.ts, /Succeeded/);
    expect(e2e.metapod.requests).toHaveLength(1);
  });

  it('whoever is on call in PagerDuty may approve: mapped to Slack by e-mail', async () => {
    pd.setOnCall('PDATA01', [{ id: 'PUSER01', name: 'Alice Oncall', email: 'alice@example.com' }]);
    e2e = await start(`approvals:${SCHEDULES}  policies:\n    - runbooks: [retract]\n      approvers: { oncall: [data-infra-pd] }\n`, {
      emails: { UALICE: 'alice@example.com', UBRUNO: 'bruno@example.com' },
    });
    await e2e.command(`retract committed-dataset ${DATASET_ID}`);
    const plan = snapshot(await e2e.planMessage());
    expect(textOf(plan)).toContain('needs 1 of whoever is on call for data-infra-pd, not the requester');
    await e2e.click(plan, 'op_approve', 'UBRUNO');
    expect(await refusalFor('UBRUNO')).toMatch(/Only whoever is on call for data-infra-pd may approve/);
    await e2e.click(plan, 'op_approve', 'UALICE');
    await messageShowing(e2e.slack, plan.ts, /Succeeded/);
    const request = pd.requests[0]!;
    expect(request.authorization).toBe(`Token token=${pd.token}`);
    expect(request.query).toEqual(
      expect.arrayContaining([
        ['schedule_ids[]', 'PDATA01'],
        ['include[]', 'users'],
      ]),
    );
    expect(e2e.slack.callsTo('users.lookupByEmail').map((c) => c.args.email)).toEqual(['alice@example.com']);
  });

  it('requires one approver on call in Opsgenie: a group member off call cannot be the last approver', async () => {
    og.setOnCall({ id: 'd875alp4-9b4e-4219-a803-0c26936d18de', name: 'data_infra_schedule' }, ['carla@example.com']);
    e2e = await start(
      `approvals:${SCHEDULES}  policies:\n    - runbooks: [retract]\n      approvers: { groups: [SDATAINFRA] }\n      requireOnCall: data-infra-og\n`,
      {
        usergroups: { SDATAINFRA: ['UMEMBER', 'UCARLA'] },
        emails: { UCARLA: 'carla@example.com' },
      },
    );
    await e2e.command(`retract committed-dataset ${DATASET_ID}`);
    const plan = snapshot(await e2e.planMessage());
    expect(textOf(plan)).toContain('one of them on call for data-infra-og');
    await e2e.click(plan, 'op_approve', 'UMEMBER');
    expect(await refusalFor('UMEMBER')).toMatch(/not on call for data-infra-og now and nobody on call has approved yet/);
    expect(e2e.metapod.requests).toHaveLength(0);
    await e2e.click(plan, 'op_approve', 'UCARLA');
    await messageShowing(e2e.slack, plan.ts, /Succeeded/);
    expect(og.requests[0]).toMatchObject({
      path: '/v2/schedules/data_infra_schedule/on-calls',
      query: { scheduleIdentifierType: 'name', flat: 'true' },
      authorization: `GenieKey ${og.apiKey}`,
    });
  });

  it('fails closed: when Opsgenie answers 500 for a policy that requires on call, the approval is refused with the reason', async () => {
    og.setOnCall({ id: 'd875alp4', name: 'data_infra_schedule' }, ['carla@example.com']);
    og.failNext(500);
    e2e = await start(`approvals:${SCHEDULES}  policies:\n    - runbooks: [retract]\n      requireOnCall: data-infra-og\n`, {
      emails: { UCARLA: 'carla@example.com' },
    });
    await e2e.command(`retract committed-dataset ${DATASET_ID}`);
    const plan = snapshot(await e2e.planMessage());
    await e2e.click(plan, 'op_approve', 'UCARLA');
    expect(await refusalFor('UCARLA')).toMatch(
      /Could not check who is on call for data-infra-og, which this step's rule requires \(Opsgenie answered 500.*\)\. Nothing was approved/,
    );
    expect(e2e.metapod.requests).toHaveLength(0);
    // Opsgenie is back: the same person approves.
    await e2e.click(plan, 'op_approve', 'UCARLA');
    await messageShowing(e2e.slack, plan.ts, /Succeeded/);
  });

  it('/runbook oncall shows who is on call now for every schedule', async () => {
    pd.setOnCall('PDATA01', [
      { id: 'PUSER01', name: 'Alice', email: 'alice@example.com' },
      { id: 'PUSER02', name: 'Dora', email: 'dora@contractor.example' },
    ]);
    og.setOnCall({ id: 'og-1', name: 'data_infra_schedule' }, ['carla@example.com']);
    e2e = await start(`approvals:${SCHEDULES}`, { emails: { UALICE: 'alice@example.com', UCARLA: 'carla@example.com' } });
    const { responseUrl } = await e2e.command('oncall');
    const answer = textOf(await waitFor(() => e2e!.slack.responsesTo(responseUrl)[0], { what: 'the on-call answer' }));
    expect(answer).toContain('*data-infra-pd*: <@UALICE>, dora@contractor.example (no Slack user with this e-mail)');
    expect(answer).toContain('*data-infra-og*: <@UCARLA>');
  });
});
