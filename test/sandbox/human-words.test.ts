import pino from 'pino';
import { OPERATION_STATES } from '../../src/operations/types';
import { renderAppHome } from '../../src/slack/blocks/app-home';
import { renderOperationMessage } from '../../src/slack/blocks/operation-message';
import { renderStatusList } from '../../src/slack/blocks/status';
import {
  renderCancelled,
  renderExpired,
  renderInterrupted,
  renderNextGate,
  renderPlanChanged,
  renderRerunRequested,
  renderStepResult,
  renderStepStarted,
} from '../../src/slack/blocks/thread-messages';
import { startSandbox, type Sandbox } from '../../src/sandbox/sandbox';
import { findProblems, messageTexts } from '../support/human-words';
import { waitFor } from '../support/wait-for';

/**
 * Every message the runbooks produce, as the real bot posts them: the tour walks each runbook to its
 * end (plans at each gate, progress, results, alarm diagnoses and offers), then malformed commands (the
 * errors), help, status and every person's App Home. Every version of every message, every private
 * reply and every Home view must read as human words.
 */
describe('only human words in Slack (the sandbox tour, errors and App Home)', () => {
  let sandbox: Sandbox;
  const post = async (action: string, body: unknown) =>
    (
      await fetch(`${sandbox.url}api/${action}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
    ).json() as Promise<Record<string, unknown>>;
  const tour = async () =>
    ((await (await fetch(`${sandbox.url}api/state`)).json()) as { tour: { running: boolean; error?: string; step: number; total: number } }).tour;

  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0, latencyMs: 5, env: {}, logger: pino({ level: 'silent' }), tourPauseMs: 0 });
  });
  afterAll(async () => {
    await sandbox.close();
  });

  /** Everything a person could read so far: every message version, private replies, Home views. */
  const everything = (): { where: string; texts: string[] }[] => [
    ...sandbox.slack.messages.flatMap((m) => m.versions.map((v, i) => ({ where: `message ${m.ts} v${i}`, texts: messageTexts(v) }))),
    ...sandbox.slack.ephemerals.map((e) => ({ where: `ephemeral to ${e.user}`, texts: messageTexts(e) })),
    ...sandbox.slack.responses.map((r) => ({ where: 'response_url reply', texts: messageTexts(r.body) })),
    ...[...sandbox.slack.homeViews].map(([user, view]) => ({ where: `App Home of ${user}`, texts: messageTexts({ blocks: view.blocks }) })),
  ];

  it('plays every runbook, both sample alarms, errors, help and App Home, and none of it shows internal noise', async () => {
    expect(await post('tour', {})).toEqual({ started: true });
    await waitFor(async () => ((await tour()).running ? undefined : true), { what: 'the tour to end', timeoutMs: 240_000, intervalMs: 250 });
    const played = await tour();
    expect(played.error).toBeUndefined();
    expect(played.step).toBe(played.total);
    // The Airflow failure alarm (diagnosis and the build-failure offer in its thread).
    const alarms = ((await (await fetch(`${sandbox.url}api/state`)).json()) as { alarms: { backend: string; index: number }[] }).alarms;
    for (const a of alarms) expect(await post('alarm', a)).toEqual({ status: 200 });
    await waitFor(() => sandbox.slack.messages.some((m) => /alarm_offer/.test(JSON.stringify(m.blocks ?? []))) || undefined, {
      what: 'the build-failure offer',
      timeoutMs: 30_000,
    });
    await sandbox.bot.idle();
    const errors = [
      'retract',
      'retract committed-dataset nope',
      'rollback',
      'rollback nosuchservice',
      'datomic',
      'datomic nosuchservice',
      'aurora',
      'aurora kill',
      'dagao',
      'dagao scale many',
      'build-failure',
      'build-failure 3b1f9c2e-7a4d-4e8b-9c61-2d5e8f0a7b13 --only',
      'frobnicate',
      'help',
      'help rollback',
      'status',
    ];
    for (const text of errors) expect(await post('command', { user: 'UALICE', text: `/runbook ${text}` })).toEqual({ status: 200 });
    await sandbox.bot.idle();
    for (const user of ['UALICE', 'UBRUNO', 'UCARLA']) expect(await post('home', { user })).toMatchObject({ status: 200 });

    // Help and usage errors come back in the ack itself: the page keeps them as the typist's private notes.
    const notes = ((await (await fetch(`${sandbox.url}api/state?user=UALICE`)).json()) as { privateNotes: { text: string; blocks?: unknown[] }[] })
      .privateNotes;
    const seen = [...everything(), ...notes.map((n) => ({ where: 'private note to UALICE', texts: messageTexts(n) }))];
    // The test reads what it claims to read: plans, results, alarm replies, errors and Home views.
    const all = seen.flatMap((s) => s.texts).join('\n');
    for (const expected of [
      /Retract committed dataset/,
      /Roll back metapod/i,
      /Throttling found/,
      /The dagão recovered/,
      /Start build-failure/,
      /is not a transaction id|UUID/,
      /Waiting for your approval/,
    ])
      expect(all).toMatch(expected);
    expect(seen.filter((s) => s.where.startsWith('App Home'))).toHaveLength(3);
    // Alarm-started operations name the alarm, never the bot as a person who asked.
    expect(all).toMatch(/started by (an alarm|the CloudWatch alarm|an \*Airflow task failure)/);
    expect(all).not.toContain('requested by <@UBOT>');
    expect(findProblems(seen)).toEqual([]);
  }, 300_000);

  it('every operation the tour produced, drawn in every state the engine can put it in, reads as human words', async () => {
    const ops = await sandbox.bot.store.listRecent(50);
    expect(new Set(ops.map((o) => o.runbook))).toEqual(new Set(['retract', 'rollback', 'datomic', 'aurora', 'dagao', 'build-failure']));
    const seen = ops.flatMap((op) =>
      OPERATION_STATES.flatMap((state) => {
        const variant = {
          ...op,
          state,
          reason: state === 'failed' || state === 'interrupted' || state === 'expired' ? 'the backend answered 503' : op.reason,
          endedBy: state === 'cancelled' ? 'UCARLA' : undefined,
        };
        const step = op.plan.steps[Math.min(op.currentStep, op.plan.steps.length - 1)]!;
        const messages = [
          renderOperationMessage(variant, { approvers: 'anyone but the requester' }),
          renderInterrupted(variant, step),
          renderExpired(variant),
          renderCancelled(variant, 'UCARLA'),
          renderPlanChanged(variant),
          renderNextGate(variant, step),
          renderRerunRequested(variant, step, 'UBRUNO'),
          renderStepStarted(variant, step),
          ...variant.results.map((r) => renderStepResult(variant, op.plan.steps.find((s) => s.id === r.stepId) ?? step, r)),
        ];
        return messages.map((m) => ({ where: `${op.runbook} ${op.id} as ${state}`, texts: messageTexts(m) }));
      }),
    );
    seen.push({ where: 'App Home of everything', texts: messageTexts(renderAppHome({ toApprove: ops, mine: ops, recent: ops })) });
    seen.push({ where: 'status list', texts: messageTexts(renderStatusList(ops)) });
    expect(findProblems(seen)).toEqual([]);
  });

  it('keeps the internal keys in the audit trail, which still reads without leaks', async () => {
    const op = (await sandbox.bot.store.listRecent(1))[0]!;
    const before = sandbox.slack.responses.length;
    expect(await post('command', { user: 'UALICE', text: `/runbook status ${op.id}` })).toEqual({ status: 200 });
    const reply = await waitFor(() => sandbox.slack.responses.slice(before).find((r) => JSON.stringify(r.body).includes('Audit trail')), {
      what: 'the audit trail',
    });
    expect(findProblems([{ where: 'audit trail', texts: messageTexts(reply.body) }], { allowKeys: true })).toEqual([]);
  }, 30_000);
});
