import { renderAppHome } from '../../../src/slack/blocks/app-home';
import { renderOperationMessage } from '../../../src/slack/blocks/operation-message';
import { renderStatusList } from '../../../src/slack/blocks/status';
import { engineHarness } from '../operations/engine-harness';
import { allText } from '../builders';

// The alarm listener proposes with the bot's own user id as requester (UBOT here) and the alarm's key.
const BOT = 'UBOT';
const ALARM = { channel: 'CDATA', threadTs: '1700000000.000001' };

describe('operations an alarm started', () => {
  it('are recorded as started by the alarm, named when the listener describes it', async () => {
    const h = engineHarness();
    const named = await h.engine.propose({
      runbook: 'fake',
      input: { target: 'a' },
      requester: BOT,
      location: ALARM,
      correlationKey: 'cloudwatch:-:-:x',
      alarm: { description: 'the CloudWatch alarm *prod-x-datomic-write-throttles*' },
    });
    expect(named.alarm).toEqual({ description: 'the CloudWatch alarm *prod-x-datomic-write-throttles*' });
    const keyed = await h.engine.propose({ runbook: 'fake', input: { target: 'b' }, requester: BOT, location: ALARM, correlationKey: 'airflow:dagao:run-1' });
    expect(keyed.alarm).toEqual({});
    expect((await h.propose('c')).alarm).toBeUndefined();
  });

  it('say which alarm started them and who approved, never the bot as requester', async () => {
    const h = engineHarness();
    const op = await h.engine.propose({
      runbook: 'fake',
      input: { target: 'a' },
      requester: BOT,
      location: ALARM,
      correlationKey: 'k',
      alarm: { description: 'the CloudWatch alarm *prod-x-datomic-write-throttles*' },
    });
    const pending = allText(renderOperationMessage(op, { approvers: 'anyone' }));
    expect(pending).toContain('started by the CloudWatch alarm *prod-x-datomic-write-throttles*');
    expect(pending).not.toContain(`<@${BOT}>`);
    await h.approveAs(op, 'UBRUNO');
    await h.engine.idle();
    const done = (await h.store.get(op.id))!;
    expect(done.state).toBe('succeeded');
    for (const text of [
      allText(renderOperationMessage(done, { approvers: 'anyone' })),
      allText(renderStatusList([done])),
      allText({ text: '', blocks: renderAppHome({ toApprove: [], mine: [], recent: [done] }).blocks }),
    ]) {
      expect(text).toContain('started by the CloudWatch alarm *prod-x-datomic-write-throttles*, approved by <@UBRUNO>');
      expect(text).not.toContain('requested by');
      expect(text).not.toContain(`<@${BOT}>`);
    }
  });

  it("without a description, say an alarm started it; a person's request still names the person", async () => {
    const h = engineHarness();
    const keyed = await h.engine.propose({ runbook: 'fake', input: { target: 'a' }, requester: BOT, location: ALARM, correlationKey: 'k' });
    expect(allText(renderOperationMessage(keyed, { approvers: 'anyone' }))).toMatch(/`op-\w+` · started by an alarm · <!date/);
    expect(allText(renderOperationMessage(await h.propose('b'), { approvers: 'anyone' }))).toContain('requested by <@UREQ>');
  });

  it('a follow-up (e.g. an undo) of an alarm operation keeps naming the alarm', async () => {
    const h = engineHarness();
    h.runbook.behaviours['step-1'] = (ctx) =>
      (ctx.operation.input as { target: string }).target === 'undo'
        ? Promise.resolve({ ok: true, summary: 'undone' })
        : Promise.resolve({ ok: false, summary: 'did not verify', followUp: { runbook: 'fake', input: { target: 'undo' }, why: 'Undo.' } });
    const op = await h.engine.propose({
      runbook: 'fake',
      input: { target: 'a' },
      requester: BOT,
      location: ALARM,
      correlationKey: 'k',
      alarm: { description: 'a *Datomic self-destruct*' },
    });
    await h.approveAs(op, 'UBRUNO');
    await h.engine.idle();
    const id = h.observer.events.map((e) => e.event).find((e) => e.type === 'follow_up' && 'operationId' in e) as { operationId: string };
    const undo = (await h.store.get(id.operationId))!;
    expect(undo.alarm).toEqual({ description: 'a *Datomic self-destruct*' });
    expect(undo.correlationKey).toBeUndefined();
    expect(allText(renderOperationMessage(undo, { approvers: 'anyone' }))).toContain('started by a *Datomic self-destruct*');
  });
});
