import { configFile } from '../support/config-file';
import { waitFor } from '../support/wait-for';
import { CHANNEL, DATASET_ID, messageShowing, snapshot, startReplicaPair, tempDatabase, textOf, type ReplicaPair } from './harness';

const CONFIG = `
approvals:
  policies:
    - name: metapod
      runbooks: [retract]
      approvers: { users: [UALICE], groups: [SDATAINFRA] }
      escalateTo: { users: [UMANAGER] }
  reminders: { remindAt: 0.3, escalateAt: 0.6, maxPings: 2 }
`;

describe('reminders and escalation across two replicas sharing one SQLite file', () => {
  let pair: ReplicaPair | undefined;
  afterEach(async () => {
    await pair?.close();
    pair = undefined;
  });

  it('mentions the approvers once at the reminder and the escalation target once at escalation, then expires', async () => {
    // Both replicas sweep every 100 ms over a 3 s window: each ping is due on both, and claimed by one.
    pair = await startReplicaPair({ databasePath: tempDatabase(), env: { RUNBOOK_CONFIG: configFile(CONFIG), APPROVAL_TTL: '3s' } });
    const { a, slack } = pair;
    await a.command(`retract committed-dataset ${DATASET_ID}`);
    const plan = snapshot(await a.planMessage());
    expect(textOf(plan)).toContain('needs 1 of <@UALICE>, <!subteam^SDATAINFRA>, not the requester');
    await messageShowing(slack, plan.ts, /Expired/, 8000);
    const replies = slack.threadReplies(CHANNEL, plan.ts).map(textOf);
    const reminders = replies.filter((t) => /Still waiting for approval/.test(t));
    const escalations = replies.filter((t) => /Escalating/.test(t));
    expect(reminders).toHaveLength(1);
    expect(reminders[0]).toContain('<@UALICE> <!subteam^SDATAINFRA>, please review');
    expect(escalations).toHaveLength(1);
    expect(escalations[0]).toContain('<@UMANAGER>: please find an approver');
    // The reminder came before the escalation, and both before the expiry notice.
    const order = replies.map((t) =>
      /Still waiting/.test(t) ? 'remind' : /Escalating/.test(t) ? 'escalate' : /Nobody approved in time/.test(t) ? 'expired' : 'other',
    );
    expect(order.filter((o) => o !== 'other')).toEqual(['remind', 'escalate', 'expired']);
  });

  it('never pings more than maxPings: with 1, only the reminder', async () => {
    pair = await startReplicaPair({
      databasePath: tempDatabase(),
      env: { RUNBOOK_CONFIG: configFile(CONFIG.replace('maxPings: 2', 'maxPings: 1')), APPROVAL_TTL: '2s' },
    });
    const { a, slack } = pair;
    await a.command(`retract committed-dataset ${DATASET_ID}`);
    const plan = snapshot(await a.planMessage());
    await messageShowing(slack, plan.ts, /Expired/, 8000);
    await waitFor(() => /Nobody approved in time/.test(slack.threadReplies(CHANNEL, plan.ts).map(textOf).join('\n')), { what: 'the expiry notice' });
    const replies = slack.threadReplies(CHANNEL, plan.ts).map(textOf);
    expect(replies.filter((t) => /Still waiting for approval/.test(t))).toHaveLength(1);
    expect(replies.filter((t) => /Escalating/.test(t))).toHaveLength(0);
  });
});
