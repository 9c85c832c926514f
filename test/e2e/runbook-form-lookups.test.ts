import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { App, HTTPReceiver } from '@slack/bolt';
import pino from 'pino';
import type { OperationEngine } from '../../src/operations/engine';
import type { RunbookRegistry } from '../../src/operations/runbook';
import { lookupTable, type LookupFn } from '../../src/slack/forms/lookups';
import { registerRunbookForm } from '../../src/slack/forms/register';
import { startSlackEmulator, type SlackEmulator } from '../../src/sandbox/fakes/slack-api';
import type { EmulatedView } from '../../src/sandbox/fakes/slack-views';
import { reindexRunbook } from '../support/example-form-runbook';
import { globalShortcut, selectInView, submitView, triggerId } from '../support/form-payloads';
import { postToSlackEndpoint } from '../support/slack-signing';
import { waitFor } from '../support/wait-for';

// The form over a test-only runbook whose fields name lookups: a real Bolt app on loopback, signed
// requests, the Slack emulator, and lookups that answer, fail, overflow or hang.

const SECRET = 'form-lookups-signing-secret-1f2e';
type ProposeRequest = Parameters<OperationEngine['propose']>[0];
type Block = Record<string, unknown> & { block_id?: string; element?: { type: string; options?: { value: string }[] } };

interface Rig {
  slack: SlackEmulator;
  proposed: ProposeRequest[];
  post(body: string): Promise<{ status: number; json?: unknown }>;
  close(): Promise<void>;
}

async function startRig(table: Record<string, LookupFn>): Promise<Rig> {
  const slack = await startSlackEmulator();
  const receiver = new HTTPReceiver({ signingSecret: SECRET });
  const app = new App({
    token: 'xoxb-form-lookups',
    receiver,
    clientOptions: { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 } },
    tokenVerificationEnabled: false,
    botId: 'BBOT',
    botUserId: 'UBOT',
  });
  const proposed: ProposeRequest[] = [];
  const engine = { propose: (req: ProposeRequest) => Promise.resolve(proposed.push(req)).then(() => ({ id: 'op-test0001', runbook: req.runbook }) as never) };
  const runbooks: RunbookRegistry = new Map([['reindex', reindexRunbook()]]);
  const open = registerRunbookForm(app, { engine, runbooks, logger: pino({ level: 'silent' }), lookups: lookupTable(table), lookupDeadlineMs: 300 });
  expect(typeof open).toBe('function');
  const server: Server = createServer(receiver.requestListener);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events`;
  return {
    slack,
    proposed,
    post: (body) => postToSlackEndpoint(url, body, { secret: SECRET }),
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      slack.assertNoUnexpected();
      await slack.close();
    },
  };
}

async function openAndPick(rig: Rig): Promise<EmulatedView> {
  const trigger = triggerId();
  await rig.post(globalShortcut('runbook_form', 'UREQ', trigger));
  const view = await waitFor(() => [...rig.slack.modals.values()].find((v) => v.triggerId === trigger), { what: 'the form' });
  await rig.post(selectInView(view, 'form:runbook', 'form_pick_runbook', 'reindex', 'UREQ'));
  await waitFor(() => view.versions.length > 1, { what: 'the reindex fields' });
  return view;
}

const blocks = (v: EmulatedView): Block[] => v.view.blocks as Block[];
const block = (v: EmulatedView, id: string): Block | undefined => blocks(v).find((b) => b.block_id === id);
/** The context block right after a field's input, if any. */
const noteAfter = (v: EmulatedView, id: string): string | undefined => {
  const next = blocks(v)[blocks(v).findIndex((b) => b.block_id === id) + 1];
  return next?.type === 'context' ? JSON.stringify(next) : undefined;
};

describe('runbook form lookups', () => {
  let rig: Rig;
  afterEach(() => rig.close());

  it('a lookup that hangs falls back to a text input and says so; one that answers becomes a select menu', async () => {
    let aborted = false;
    rig = await startRig({
      services: (signal) => new Promise<string[]>(() => signal.addEventListener('abort', () => (aborted = true))),
      'datomic-tables': () => Promise.resolve(['prod-s0-analytics-datomic', 'prod-global-ledger-datomic']),
    });
    const view = await openAndPick(rig);
    expect(block(view, 'arg:service')?.element).toMatchObject({ type: 'plain_text_input', placeholder: { text: 'analytics' } });
    expect(noteAfter(view, 'arg:service')).toMatch(/took longer than 0\.3 s.*type the value/);
    expect(aborted).toBe(true);
    expect(block(view, 'arg:table')?.element?.options?.map((o) => o.value)).toEqual(['prod-global-ledger-datomic', 'prod-s0-analytics-datomic']);
    expect(noteAfter(view, 'arg:table')).toBeUndefined();
    expect(block(view, 'arg:mode')?.element?.options?.map((o) => o.value)).toEqual(['incremental', 'full']);
    expect(block(view, 'arg:table')).toMatchObject({ optional: true });
    expect(block(view, 'arg:service')).toMatchObject({ optional: false });

    // The typed value is validated like any other and written back as the command's words.
    const bad = await rig.post(
      submitView(view, { 'arg:service': { text: 'Analytics!' }, 'arg:mode': { option: 'full' }, 'form:channel': { conversation: 'CDATAENG' } }, 'UREQ'),
    );
    expect(bad.json).toEqual({ response_action: 'errors', errors: { 'arg:service': expect.stringMatching(/^Service: lowercase letters/) } });
    const ok = await rig.post(
      submitView(
        view,
        {
          'arg:service': { text: 'analytics' },
          'arg:mode': { option: 'full' },
          'arg:table': { option: 'prod-s0-analytics-datomic' },
          'arg:reason': { text: 'index drift' },
          'form:channel': { conversation: 'CDATAENG' },
        },
        'UREQ',
      ),
    );
    expect(ok.status).toBe(200);
    expect(ok.json).toBeUndefined();
    await waitFor(() => rig.proposed.length === 1, { what: 'the proposal' });
    // What the slash command `/runbook reindex analytics --mode full --table … --reason …` would parse.
    const command = reindexRunbook().parse(['analytics', '--mode', 'full', '--table', 'prod-s0-analytics-datomic', '--reason', 'index drift']);
    expect(command).toEqual({ ok: true, value: { service: 'analytics', mode: 'full', table: 'prod-s0-analytics-datomic', reason: 'index drift' } });
    expect(rig.proposed).toEqual([
      { runbook: 'reindex', requester: 'UREQ', input: command.ok && command.value, location: { channel: 'CDATAENG', team: 'T0001' } },
    ]);
  });

  it("a failing lookup says why; more than 100 choices are cut to Slack's 100 and the form says so", async () => {
    const many = Array.from({ length: 130 }, (_, i) => `svc-${String(i).padStart(3, '0')}`);
    rig = await startRig({
      services: () => Promise.resolve(many),
      'datomic-tables': () => Promise.reject(new Error('DynamoDB answered AccessDeniedException')),
    });
    const view = await openAndPick(rig);
    const options = block(view, 'arg:service')?.element?.options ?? [];
    expect(options).toHaveLength(100);
    expect(options[0]!.value).toBe('svc-000');
    expect(noteAfter(view, 'arg:service')).toMatch(/first 100/);
    expect(block(view, 'arg:table')?.element?.type).toBe('plain_text_input');
    expect(noteAfter(view, 'arg:table')).toMatch(/AccessDeniedException/);
  });
});
