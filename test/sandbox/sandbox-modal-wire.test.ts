import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { App, HTTPReceiver } from '@slack/bolt';
import pino from 'pino';
import type { OperationEngine } from '../../src/operations/engine';
import type { RunbookRegistry } from '../../src/operations/runbook';
import { startSlackEmulator, type SlackEmulator } from '../../src/sandbox/fakes/slack-api';
import { signedHeaders, type SandboxUser } from '../../src/sandbox/slack-requests';
import { sandboxModals } from '../../src/sandbox/web-modals';
import { lookupTable } from '../../src/slack/forms/lookups';
import { registerRunbookForm } from '../../src/slack/forms/register';
import { reindexRunbook } from '../support/example-form-runbook';
import { waitFor } from '../support/wait-for';

// The sandbox page's modal requests on the wire, without a browser: a real Bolt app on loopback receives what
// sandboxModals signs and sends (block_actions from a view, block_suggestion, view_submission, view_closed), and its
// answers are applied as Slack applies them. Payload shapes after https://api.slack.com/reference/interaction-payloads/views
// and https://api.slack.com/reference/block-kit/block-elements#external_select.

const SECRET = 'sandbox-modal-wire-secret-0a9b';
const ALICE: SandboxUser = { id: 'UALICE', name: 'alice' };
type Json = Record<string, unknown>;
type ProposeRequest = Parameters<OperationEngine['propose']>[0];

const probeView = (notify: boolean): Json => ({
  type: 'modal',
  callback_id: 'probe',
  title: { type: 'plain_text', text: 'Probe' },
  submit: { type: 'plain_text', text: 'Send' },
  close: { type: 'plain_text', text: 'Back' },
  notify_on_close: notify,
  blocks: [
    { type: 'section', text: { type: 'mrkdwn', text: 'Pick a team' } },
    { type: 'divider' },
    {
      type: 'input',
      block_id: 'team',
      label: { type: 'plain_text', text: 'Team' },
      element: { type: 'external_select', action_id: 'pick', min_query_length: 2 },
    },
    {
      type: 'input',
      block_id: 'count',
      label: { type: 'plain_text', text: 'Count' },
      element: { type: 'number_input', action_id: 'n', is_decimal_allowed: false },
    },
    { type: 'actions', elements: [{ type: 'button', action_id: 'refresh', text: { type: 'plain_text', text: 'Refresh' }, value: 'r' }] },
  ],
});

describe('sandbox modals on the wire', () => {
  let slack: SlackEmulator;
  let server: Server;
  const received: Json[] = [];
  const proposed: ProposeRequest[] = [];
  let modals: ReturnType<typeof sandboxModals>;
  let openForm: ReturnType<typeof registerRunbookForm>;

  beforeAll(async () => {
    slack = await startSlackEmulator({ teamId: 'T0SANDBOX' });
    const receiver = new HTTPReceiver({ signingSecret: SECRET });
    const app = new App({
      token: 'xoxb-modal-wire',
      receiver,
      clientOptions: { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 } },
      tokenVerificationEnabled: false,
      botId: 'BBOT',
      botUserId: 'UBOT',
    });
    app.use(async ({ body, next }) => {
      received.push(body as Json);
      await next();
    });
    const engine = { propose: (req: ProposeRequest) => Promise.resolve(proposed.push(req)).then(() => ({ id: 'op-wire0001', runbook: req.runbook }) as never) };
    const runbooks: RunbookRegistry = new Map([['reindex', reindexRunbook()]]);
    const lookups = lookupTable({ services: () => Promise.resolve(['analytics', 'ledger']) });
    openForm = registerRunbookForm(app, { engine, runbooks, logger: pino({ level: 'silent' }), lookups, lookupDeadlineMs: 500 });
    // A test-only modal with an external_select (options from block_suggestion) and a number input.
    app.options({ action_id: 'pick' }, async ({ ack, body }) => {
      const query = (body as { value: string }).value;
      const options = ['data-eng', 'data-platform', 'web'].filter((t) => t.includes(query)).map((t) => ({ text: { type: 'plain_text', text: t }, value: t }));
      // Bolt's ack type is the union of every options kind; this is a block_suggestion's answer.
      await ack({ options } as never);
    });
    let submissions = 0;
    app.view('probe', async ({ ack }) => {
      submissions += 1;
      // First a pushed view, then the whole stack cleared.
      await ack(submissions === 1 ? { response_action: 'push', view: probeView(true) as never } : { response_action: 'clear' });
    });
    app.view({ callback_id: 'probe', type: 'view_closed' }, async ({ ack }) => ack());
    app.action('refresh', async ({ ack }) => ack());
    server = createServer(receiver.requestListener);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events`;
    modals = sandboxModals(slack, [ALICE, { id: 'UBRUNO', name: 'bruno' }], async (body) => {
      const res = await fetch(url, { method: 'POST', headers: signedHeaders(SECRET, body), body });
      return { status: res.status, body: await res.text() };
    });
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    slack.assertNoUnexpected();
    await slack.close();
  });
  beforeEach(() => (received.length = 0));

  /** Opens a view with a trigger the sandbox gave alice (as a `/runbook` or a click would). */
  const giveTrigger = (trigger: string): void => modals.noteTrigger(new URLSearchParams({ trigger_id: trigger }).toString(), ALICE.id);

  it('drives the runbook form: the pick is a block_actions from the view, submissions carry state.values as Slack shapes them', async () => {
    giveTrigger('1700000000.1.aa');
    await openForm({ triggerId: '1700000000.1.aa', user: ALICE.id, channel: 'CGUILDDATAENG' });
    const picker = await waitFor(() => modals.modalOf(ALICE.id), { what: 'the picker on alice’s page' });
    expect(modals.modalOf('UBRUNO')).toBeNull();

    await modals.api.modalAction({ user: ALICE.id, viewId: picker.id, blockId: 'form:runbook', actionId: 'form_pick_runbook', selected: 'reindex' });
    expect(received[0]).toMatchObject({
      type: 'block_actions',
      container: { type: 'view', view_id: picker.id },
      view: {
        id: picker.id,
        hash: picker.hash,
        callback_id: 'runbook_form',
        state: { values: { 'form:runbook': { form_pick_runbook: { type: 'static_select', selected_option: { value: 'reindex' } } } } },
      },
      actions: [{ type: 'static_select', action_id: 'form_pick_runbook', block_id: 'form:runbook', selected_option: { value: 'reindex' } }],
    });
    const fields = await waitFor(() => (modals.modalOf(ALICE.id)?.hash !== picker.hash ? modals.modalOf(ALICE.id) : undefined), { what: 'the fields' });

    const bad = await modals.api.modalSubmit({ user: ALICE.id, viewId: fields.id, values: { 'arg:service': { value: 'ledger' } } });
    expect(bad).toEqual({ outcome: 'errors' });
    expect(received[1]).toMatchObject({ type: 'view_submission', user: { id: ALICE.id }, view: { id: fields.id } });
    expect((received[1]!.view as { state: Json }).state).toEqual({
      values: {
        'form:runbook': {
          form_pick_runbook: {
            type: 'static_select',
            selected_option: { text: { type: 'plain_text', text: 'reindex: Rebuild a service index' }, value: 'reindex' },
          },
        },
        'arg:service': { value: { type: 'static_select', selected_option: { text: { type: 'plain_text', text: 'ledger' }, value: 'ledger' } } },
        'arg:mode': { value: { type: 'static_select', selected_option: null } },
        'arg:table': { value: { type: 'plain_text_input', value: null } },
        'arg:reason': { value: { type: 'plain_text_input', value: null } },
      },
    });
    expect(modals.modalOf(ALICE.id)!.errors).toEqual({ 'arg:mode': 'Mode is required.' });
    expect(proposed).toEqual([]);

    // An option the view does not offer is refused before anything is sent.
    await expect(modals.api.modalSubmit({ user: ALICE.id, viewId: fields.id, values: { 'arg:mode': { value: 'everything' } } })).rejects.toThrow('not offered');
    const ok = await modals.api.modalSubmit({
      user: ALICE.id,
      viewId: fields.id,
      values: { 'arg:service': { value: 'ledger' }, 'arg:mode': { value: 'full' }, 'arg:reason': { value: 'drift' } },
    });
    expect(ok).toEqual({ outcome: 'close' });
    expect(modals.modalOf(ALICE.id)).toBeNull();
    await waitFor(() => proposed.length === 1, { what: 'the proposal' });
    expect(proposed[0]).toMatchObject({ runbook: 'reindex', requester: ALICE.id, input: { service: 'ledger', mode: 'full', reason: 'drift' } });
  });

  it('asks the app for external_select options with block_suggestion, honours push, sends view_closed only with notify_on_close, and clear', async () => {
    giveTrigger('1700000000.2.bb');
    const client = new App({ token: 'xoxb-x', signingSecret: 's', tokenVerificationEnabled: false, clientOptions: { slackApiUrl: slack.apiUrl } }).client;
    await client.views.open({ trigger_id: '1700000000.2.bb', view: probeView(false) as never });
    const root = modals.modalOf(ALICE.id)!;

    const found = await modals.api.modalOptions({ user: ALICE.id, viewId: root.id, blockId: 'team', actionId: 'pick', query: 'data' });
    expect(found).toEqual({
      options: [
        { text: 'data-eng', value: 'data-eng' },
        { text: 'data-platform', value: 'data-platform' },
      ],
    });
    expect(received[0]).toMatchObject({
      type: 'block_suggestion',
      action_id: 'pick',
      block_id: 'team',
      value: 'data',
      container: { type: 'view', view_id: root.id },
    });
    expect(received[0]).toMatchObject({ view: { id: root.id, callback_id: 'probe' }, user: { id: ALICE.id }, team: { id: 'T0SANDBOX' } });

    // An input without dispatch_action sends nothing when picked (Slack keeps it in the view's state).
    expect(await modals.api.modalAction({ user: ALICE.id, viewId: root.id, blockId: 'team', actionId: 'pick', selected: 'data-eng' })).toEqual({
      status: 'kept',
    });
    await expect(modals.api.modalSubmit({ user: ALICE.id, viewId: root.id, values: { team: { pick: 'web' } } })).rejects.toThrow('not offered');
    await expect(modals.api.modalSubmit({ user: ALICE.id, viewId: root.id, values: { count: { n: 'three' } } })).rejects.toThrow('number');
    expect(await modals.api.modalSubmit({ user: ALICE.id, viewId: root.id, values: { team: { pick: 'data-eng' }, count: { n: '3' } } })).toEqual({
      outcome: 'push',
    });
    expect((received[1]!.view as { state: Json }).state).toEqual({
      values: {
        team: { pick: { type: 'external_select', selected_option: { text: { type: 'plain_text', text: 'data-eng' }, value: 'data-eng' } } },
        count: { n: { type: 'number_input', value: '3' } },
      },
    });
    const pushed = modals.modalOf(ALICE.id)!;
    expect(pushed).toMatchObject({ depth: 2, view: { notify_on_close: true } });

    // Back on the pushed view (notify_on_close): a view_closed, and the root shows again.
    expect(await modals.api.modalClose({ user: ALICE.id, viewId: pushed.id })).toEqual({ closed: true, status: 200 });
    expect(received[2]).toMatchObject({ type: 'view_closed', is_cleared: false, view: { id: pushed.id, previous_view_id: root.id, root_view_id: root.id } });
    expect(modals.modalOf(ALICE.id)).toMatchObject({ id: root.id, depth: 1 });
    // A view under another, or someone else's, cannot be acted on.
    await expect(modals.api.modalSubmit({ user: 'UBRUNO', viewId: root.id, values: {} })).rejects.toThrow('no longer open');

    // The second submission is answered with `clear`: every view of the stack closes.
    expect(await modals.api.modalSubmit({ user: ALICE.id, viewId: root.id, values: { team: { pick: 'data-eng' } } })).toEqual({ outcome: 'clear' });
    expect(slack.modals.get(root.id)!.closed).toBe(true);
    expect(modals.modalOf(ALICE.id)).toBeNull();
    expect(received.filter((b) => b.type === 'view_closed')).toHaveLength(1);

    // Closing a view without notify_on_close sends the app nothing.
    giveTrigger('1700000000.3.cc');
    await client.views.open({ trigger_id: '1700000000.3.cc', view: probeView(false) as never });
    const quiet = modals.modalOf(ALICE.id)!;
    // A button in an unnamed actions block of the view: a block_actions naming the view.
    expect(await modals.api.modalAction({ user: ALICE.id, viewId: quiet.id, blockId: '', actionId: 'refresh' })).toEqual({ status: 200 });
    expect(received.at(-1)).toMatchObject({
      type: 'block_actions',
      container: { type: 'view', view_id: quiet.id },
      actions: [{ type: 'button', action_id: 'refresh', value: 'r', text: { text: 'Refresh' } }],
    });
    const before = received.length;
    expect(await modals.api.modalClose({ user: ALICE.id, viewId: quiet.id })).toEqual({ closed: true });
    expect(received.length).toBe(before);
    expect(modals.modalOf(ALICE.id)).toBeNull();
  });
});
