import { webApi } from '@slack/bolt';
import { startSlackEmulator, type SlackEmulator } from '../../src/sandbox/fakes/slack-api';

// The emulator's modals, checked against what https://api.slack.com/methods/views.open, views.update and
// views.push document: a trigger opens one view, updates need the current hash when given one.
describe('Slack Web API emulator: modals', () => {
  let emu: SlackEmulator;
  let client: webApi.WebClient;
  const modal = (text: string) => ({
    type: 'modal' as const,
    callback_id: 'f',
    title: { type: 'plain_text' as const, text: 'Form' },
    blocks: [{ type: 'section' as const, text: { type: 'mrkdwn' as const, text } }],
  });
  beforeEach(async () => {
    emu = await startSlackEmulator();
    client = new webApi.WebClient('xoxb-test', { slackApiUrl: emu.apiUrl, retryConfig: { retries: 0 }, logLevel: webApi.LogLevel.ERROR });
  });
  afterEach(() => emu.close());

  it('opens a modal per trigger, updates it by id with the current hash, and pushes one on top', async () => {
    const opened = await client.views.open({ trigger_id: 't1', view: modal('one') });
    const id = opened.view!.id!;
    expect(emu.modals.get(id)).toMatchObject({ triggerId: 't1', view: modal('one') });
    await expect(client.views.open({ trigger_id: 't1', view: modal('again') })).rejects.toMatchObject({ data: { error: 'exchanged_trigger_id' } });

    const updated = await client.views.update({ view_id: id, hash: opened.view!.hash!, view: modal('two') });
    expect(updated.view!.hash).not.toBe(opened.view!.hash);
    await expect(client.views.update({ view_id: id, hash: opened.view!.hash!, view: modal('stale') })).rejects.toMatchObject({
      data: { error: 'hash_conflict' },
    });
    await expect(client.views.update({ view_id: 'VNOPE', view: modal('x') })).rejects.toMatchObject({ data: { error: 'not_found' } });
    expect(emu.modals.get(id)!.versions.map((v) => (v.blocks as { text: { text: string } }[])[0]!.text.text)).toEqual(['one', 'two']);

    const pushed = await client.views.push({ trigger_id: 't2', view: modal('pushed') });
    expect(emu.modals.get(pushed.view!.id!)).toMatchObject({ previousViewId: id });
    emu.assertNoUnexpected();
  });

  it('refuses what Slack refuses: a non-modal, a title over 24 characters, more than 100 blocks', async () => {
    await expect(client.views.open({ trigger_id: 'a', view: { ...modal('x'), title: { type: 'plain_text', text: 'x'.repeat(25) } } })).rejects.toMatchObject({
      data: { error: 'invalid_arguments' },
    });
    const many = Array.from({ length: 101 }, () => ({ type: 'divider' as const }));
    await expect(client.views.open({ trigger_id: 'b', view: { ...modal('x'), blocks: many } })).rejects.toMatchObject({ data: { error: 'invalid_blocks' } });
    await expect(client.views.open({ trigger_id: 'c', view: { type: 'home', blocks: [] } as never })).rejects.toMatchObject({
      data: { error: 'invalid_arguments' },
    });
    expect(emu.modals.size).toBe(0);
  });

  it("applies an app's answer to a submission as Slack does: errors keep the view, update replaces it, push stacks one, clear and an empty ack close", async () => {
    const root = (await client.views.open({ trigger_id: 'r1', view: modal('root') })).view!.id!;
    expect(emu.modalClient.respond(root, { response_action: 'errors', errors: { b: 'Wrong.' } })).toEqual({ kind: 'errors', errors: { b: 'Wrong.' } });
    expect(emu.modalClient.respond(root, { response_action: 'errors', errors: { b: 3 } })).toEqual({ kind: 'refused', error: 'invalid_errors' });
    expect(emu.modalClient.respond(root, { response_action: 'update', view: { ...modal('x'), title: { type: 'plain_text', text: '' } } })).toMatchObject({
      kind: 'refused',
    });
    expect(emu.modalClient.respond(root, { response_action: 'update', view: modal('updated') })).toMatchObject({ kind: 'update', view: { id: root } });
    const pushed = emu.modalClient.respond(root, { response_action: 'push', view: modal('pushed') });
    expect(pushed).toMatchObject({ kind: 'push', view: { previousViewId: root } });
    const top = (pushed as { view: { id: string } }).view.id;
    // An empty ack closes the view submitted (the one under it shows again).
    expect(emu.modalClient.respond(top, undefined)).toEqual({ kind: 'close' });
    expect([emu.modals.get(top)!.closed, emu.modals.get(root)!.closed]).toEqual([true, undefined]);
    await expect(client.views.update({ view_id: top, view: modal('late') })).rejects.toMatchObject({ data: { error: 'not_found' } });
    expect(emu.modalClient.respond(root, { response_action: 'nonsense' })).toEqual({ kind: 'refused', error: 'invalid_response_action' });

    // `clear` closes the whole stack, from any view in it.
    const again = emu.modalClient.respond(root, { response_action: 'push', view: modal('again') }) as { view: { id: string } };
    expect(emu.modalClient.respond(again.view.id, { response_action: 'clear' })).toEqual({ kind: 'clear' });
    expect([emu.modals.get(again.view.id)!.closed, emu.modals.get(root)!.closed]).toEqual([true, true]);
    expect(emu.modalClient.respond(root, undefined)).toEqual({ kind: 'refused', error: 'not_found' });
    emu.assertNoUnexpected();
  });
});
