import type { EmulatedView } from '../../src/sandbox/fakes/slack-views';
import { globalShortcut, homeButton, selectInView, submitView, triggerId } from '../support/form-payloads';
import { appHomeOpened, slashCommand } from '../support/payloads';
import { waitFor } from '../support/wait-for';
import { CHANNEL, DATASET_ID, startE2E, textOf, useE2E, type E2E } from './harness';

// The form of the retract runbook (its args: kind as an enum, id as a UUID), driven as Slack drives a
// modal: signed shortcut, block_actions and view_submission payloads; the emulator keeps the views.

type Block = Record<string, unknown> & { block_id?: string; element?: Record<string, unknown> };
const blocksOf = (v: EmulatedView): Block[] => v.view.blocks as Block[];
const block = (v: EmulatedView, id: string): Block | undefined => blocksOf(v).find((b) => b.block_id === id);

/** Waits for the modal views.open created with `trigger`. */
function modalOpenedWith(e2e: E2E, trigger: string): Promise<EmulatedView> {
  return waitFor(() => [...e2e.slack.modals.values()].find((v) => v.triggerId === trigger), { what: `views.open with trigger ${trigger}` });
}

/** Picks `runbook` in the modal and waits for views.update to show its fields. */
async function pick(e2e: E2E, view: EmulatedView, runbook: string, userId = 'UREQ'): Promise<EmulatedView> {
  const before = view.versions.length;
  const res = await e2e.post(selectInView(view, 'form:runbook', 'form_pick_runbook', runbook, userId));
  expect(res.status).toBe(200);
  await waitFor(() => view.versions.length > before, { what: `views.update with the fields of ${runbook}` });
  return view;
}

async function openByCommand(e2e: E2E): Promise<EmulatedView> {
  const trigger = triggerId();
  const res = await e2e.post(slashCommand({ text: '', userId: 'UREQ', channelId: CHANNEL, responseUrl: e2e.slack.newResponseUrl(), triggerId: trigger }));
  expect(res.status).toBe(200);
  return modalOpenedWith(e2e, trigger);
}

describe('runbook form (modal)', () => {
  const e2e = useE2E();

  it('`/runbook` alone opens the picker with the trigger_id; picking retract shows its fields rendered from its args', async () => {
    const view = await openByCommand(e2e);
    const select = block(view, 'form:runbook')!.element as { options: { value: string }[] };
    expect(select.options.map((o) => o.value)).toContain('retract');
    expect(view.view.submit).toBeUndefined();

    await pick(e2e, view, 'retract');
    const kind = block(view, 'arg:kind')!;
    expect(kind).toMatchObject({ type: 'input', optional: false, label: { text: 'Kind' }, element: { type: 'static_select', action_id: 'value' } });
    expect((kind.element as { options: { value: string }[] }).options.map((o) => o.value)).toEqual(['attribute', 'indexed-attribute', 'committed-dataset']);
    expect(block(view, 'arg:id')).toMatchObject({
      element: { type: 'plain_text_input', placeholder: { text: '5f2c0a4e-8d1b-4c3a-9f6e-1b2c3d4e5f60' } },
      hint: { type: 'plain_text' },
    });
    // Opened in a channel: the plan goes there, so no channel is asked for.
    expect(block(view, 'form:channel')).toBeUndefined();
    expect(JSON.parse(String(view.view.private_metadata))).toEqual({ runbook: 'retract', channel: CHANNEL });
  });

  it('answers an invalid submission with response_action errors naming the field blocks, and nothing is proposed', async () => {
    const view = await pick(e2e, await openByCommand(e2e), 'retract');
    const badId = await e2e.post(submitView(view, { 'arg:kind': { option: 'attribute' }, 'arg:id': { text: 'not-a-uuid' } }, 'UREQ'));
    expect(badId.json).toEqual({ response_action: 'errors', errors: { 'arg:id': expect.stringMatching(/not a UUID/) } });
    const missing = await e2e.post(submitView(view, { 'arg:id': { text: DATASET_ID } }, 'UREQ'));
    expect(missing.json).toEqual({ response_action: 'errors', errors: { 'arg:kind': 'Kind is required.' } });
    // Each field passes its own schema, but the runbook's parser refuses the nil UUID: shown inline too.
    const nil = await e2e.post(submitView(view, { 'arg:kind': { option: 'attribute' }, 'arg:id': { text: '00000000-0000-0000-0000-000000000000' } }, 'UREQ'));
    expect(nil.json).toMatchObject({ response_action: 'errors', errors: { 'arg:kind': expect.stringMatching(/all-zero UUID/) } });
    expect(await e2e.bot.store.listRecent(5)).toEqual([]);
    expect(e2e.slack.topLevel(CHANNEL)).toEqual([]);
  });

  it('refuses, in the modal, a submission whose runbook is unknown or whose metadata was tampered with', async () => {
    const view = await pick(e2e, await openByCommand(e2e), 'retract');
    const stale = { ...view, view: { ...view.view, private_metadata: JSON.stringify({ runbook: 'no-such-runbook', channel: CHANNEL }) } };
    expect((await e2e.post(submitView(stale, { 'arg:id': { text: DATASET_ID } }, 'UREQ'))).json).toEqual({
      response_action: 'errors',
      errors: { 'form:runbook': expect.stringMatching(/out of date/) },
    });
    const forged = { ...view, view: { ...view.view, private_metadata: '{"runbook":"retract","channel":"https://evil"}' } };
    expect((await e2e.post(submitView(forged, { 'arg:id': { text: DATASET_ID } }, 'UREQ'))).json).toMatchObject({
      response_action: 'errors',
      errors: { 'form:runbook': expect.any(String) },
    });
    expect(await e2e.bot.store.listRecent(5)).toEqual([]);
  });

  it('a valid submission closes the modal and proposes exactly the operation `/runbook retract` would, with its plan in the channel', async () => {
    const view = await pick(e2e, await openByCommand(e2e), 'retract');
    const res = await e2e.post(submitView(view, { 'arg:kind': { option: 'committed-dataset' }, 'arg:id': { text: ` ${DATASET_ID.toUpperCase()} ` } }, 'UREQ'));
    expect(res.status).toBe(200);
    expect(res.json).toBeUndefined();
    const plan = await e2e.planMessage();
    const [fromForm] = await e2e.bot.store.listRecent(1);

    // The same request as a slash command, on a bot of its own (a second identical request would be refused).
    const other = await startE2E({ metapod: e2e.metapod });
    try {
      await other.command(`retract committed-dataset ${DATASET_ID}`, 'UREQ');
      const commandPlan = await other.planMessage();
      const [fromCommand] = await other.bot.store.listRecent(1);
      expect(fromForm!.input).toEqual(fromCommand!.input);
      expect(fromForm!.input).toEqual({ kind: 'committed-dataset', id: DATASET_ID });
      expect({ runbook: fromForm!.runbook, requester: fromForm!.requester, location: fromForm!.location.channel, title: fromForm!.plan.title }).toEqual({
        runbook: fromCommand!.runbook,
        requester: fromCommand!.requester,
        location: fromCommand!.location.channel,
        title: fromCommand!.plan.title,
      });
      // The same plan message, but for its id and the times it was proposed at.
      const timeless = (text: string): string => text.replace(/<!date\^\d+\^[^|]*\|[^>]*>/g, '<date>');
      expect(timeless(textOf(plan))).toEqual(timeless(textOf(commandPlan)).replaceAll(fromCommand!.id, fromForm!.id));
    } finally {
      await other.close();
    }
  });

  it('the global shortcut and the App Home button open the same picker; the plan goes to the channel picked in the form', async () => {
    const shortcutTrigger = triggerId();
    expect((await e2e.post(globalShortcut('runbook_form', 'UREQ', shortcutTrigger))).status).toBe(200);
    const fromShortcut = await modalOpenedWith(e2e, shortcutTrigger);

    await e2e.post(appHomeOpened({ userId: 'UREQ' }));
    await waitFor(() => e2e.slack.homeViews.get('UREQ'), { what: 'the Home tab' });
    const home = e2e.slack.homeViews.get('UREQ') as { blocks: Block[] };
    expect(home.blocks.find((b) => b.block_id === 'home:form')).toMatchObject({ elements: [{ type: 'button', action_id: 'open_runbook_form' }] });
    const homeTrigger = triggerId();
    expect((await e2e.post(homeButton('open_runbook_form', 'UREQ', homeTrigger))).status).toBe(200);
    const fromHome = await modalOpenedWith(e2e, homeTrigger);
    expect(fromHome.view).toEqual(fromShortcut.view);
    expect(JSON.parse(String(fromHome.view.private_metadata))).toEqual({});

    const view = await pick(e2e, fromHome, 'retract');
    expect(block(view, 'form:channel')).toMatchObject({ element: { type: 'conversations_select' } });
    const noChannel = await e2e.post(submitView(view, { 'arg:kind': { option: 'attribute' }, 'arg:id': { text: DATASET_ID } }, 'UREQ'));
    expect(noChannel.json).toEqual({ response_action: 'errors', errors: { 'form:channel': expect.any(String) } });
    await e2e.post(
      submitView(view, { 'arg:kind': { option: 'attribute' }, 'arg:id': { text: DATASET_ID }, 'form:channel': { conversation: CHANNEL } }, 'UREQ'),
    );
    expect(textOf(await e2e.planMessage())).toContain(DATASET_ID);
    const [op] = await e2e.bot.store.listRecent(1);
    expect(op).toMatchObject({
      runbook: 'retract',
      requester: 'UREQ',
      input: { kind: 'attribute', id: DATASET_ID },
      location: { channel: CHANNEL, team: 'T0001' },
    });
  });
});
