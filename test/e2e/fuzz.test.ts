import { BOT_TOKEN, CHANNEL, DATASET_ID, messageShowing, SIGNING_SECRET, snapshot, startE2E, type E2E } from './harness';
import { commandText, gen, userId, type Gen } from '../support/fuzz';
import { blockActionPayload, slashCommand } from '../support/payloads';

/**
 * 10,000 generated requests, all correctly signed (so they reach the handlers): command texts, broken
 * slash-command envelopes, button clicks with tampered values, malformed interaction payloads and
 * event callbacks. None may crash the bot (no 5xx), none may execute anything, invalid commands get an
 * ephemeral explanation, and the bot serves a normal request afterwards. FUZZ_SEED replays a run.
 */
const SEED = Number(process.env.FUZZ_SEED ?? 20261124);
const COUNT = Number(process.env.FUZZ_COUNT ?? 10_000);
const CONCURRENCY = 24;

jest.setTimeout(300_000);

type Case = { kind: string; body: string; contentType?: string; expectEphemeral?: boolean };

function brokenCommand(g: Gen, responseUrl: string): string {
  const fields = new URLSearchParams(slashCommand({ text: commandText(g), userId: userId(g), channelId: CHANNEL, responseUrl }));
  const keys = [...fields.keys()];
  for (let i = 0; i < 1 + g.int(3); i++) {
    const key = g.pick(keys);
    const mutation = g.int(4);
    if (mutation === 0) fields.delete(key);
    else if (mutation === 1)
      fields.append(key, commandText(g)); // the same key twice
    else if (mutation === 2) fields.set(key, 'x'.repeat(g.int(20_000)));
    else fields.set(key, g.pick(['', '[]', '{}', 'null', '\u0000', '🔥']));
  }
  return fields.toString();
}

function tamperedValue(g: Gen, realValue: string, realOpId: string): unknown {
  const [, step, fingerprint] = realValue.split('|');
  return g.pick<unknown>([
    `${realOpId}|${step}|${'0'.repeat(16)}`,
    `${realOpId}|other-step|${fingerprint}`,
    `op-zzzzzzzz|${step}|${fingerprint}`,
    `${realOpId}|${step}|${fingerprint}|extra`,
    `${realOpId.toUpperCase()}|${step}|${fingerprint?.toUpperCase()}`,
    `${realOpId}|${step}|$(id)`,
    'op-zzzzzzzz',
    `${realOpId} `,
    commandText(g),
    '',
    42,
    null,
    { operationId: realOpId },
    [realValue],
    'x'.repeat(g.int(50_000)),
  ]);
}

function tamperedClick(g: Gen, plan: { ts: string; realValue: string; realOpId: string }, responseUrl: string): string {
  const payload = blockActionPayload({
    userId: userId(g),
    actionId: 'op_approve',
    value: '',
    messageTs: plan.ts,
    channelId: CHANNEL,
    responseUrl,
  }) as unknown as Record<string, unknown>;
  const action = (payload.actions as Record<string, unknown>[])[0]!;
  action.action_id = g.pick(['op_approve', 'op_approve', 'op_cancel', 'op_check_state', 'op_run_again', 'op_unknown', '', '__proto__']);
  const value = tamperedValue(g, plan.realValue, plan.realOpId);
  if (value === undefined || g.chance(0.05)) delete action.value;
  else action.value = value;
  if (g.chance(0.1)) delete payload.user;
  if (g.chance(0.05)) payload.actions = [];
  if (g.chance(0.05)) payload.channel = { id: 42 };
  if (g.chance(0.05)) delete payload.container;
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}

function malformedPayload(g: Gen): string {
  const raw = g.pick([
    '{',
    'null',
    '[]',
    '"block_actions"',
    JSON.stringify({ type: 'block_actions' }),
    JSON.stringify({ type: 'block_actions', actions: 'approve', user: 'UAPP' }),
    JSON.stringify({ type: 'view_submission', view: null }),
    JSON.stringify({ type: 'shortcut', callback_id: commandText(g) }),
    JSON.stringify({ type: commandText(g) }),
    JSON.stringify({ __proto__: { polluted: true }, type: 'block_actions', actions: [{ action_id: 'op_approve', value: null }] }),
  ]);
  return new URLSearchParams({ payload: raw }).toString();
}

function eventCallback(g: Gen): string {
  return g.pick([
    JSON.stringify({ type: 'event_callback', event_id: `Ev${g.int(1e9)}`, event: null }),
    JSON.stringify({
      type: 'event_callback',
      event_id: `Ev${g.int(1e9)}`,
      event: { type: 'message', channel: CHANNEL, text: commandText(g), user: userId(g), ts: '1.1' },
    }),
    JSON.stringify({ type: 'event_callback', event_id: 42, event: { type: 'app_home_opened', user: userId(g) } }),
    JSON.stringify({ type: 'event_callback' }),
    JSON.stringify({ type: 'url_verification' }),
  ]);
}

describe('fuzz: generated and hostile requests', () => {
  let e2e: E2E;
  beforeAll(async () => {
    e2e = await startE2E({ env: { LOG_LEVEL: 'warn' } });
  });
  afterAll(() => e2e.close());

  it(`survives ${COUNT} of them (seed ${SEED}) without a crash, an execution or a silent invalid command`, async () => {
    // One real operation awaiting approval, the target of the tampered clicks.
    await e2e.command(`retract committed-dataset ${DATASET_ID}`, 'UOWNER');
    const plan = snapshot(await e2e.planMessage());
    const realValue = (plan.blocks ?? [])
      .flatMap((b) => (Array.isArray(b.elements) ? (b.elements as { action_id?: string; value?: string }[]) : []))
      .find((e) => e.action_id === 'op_approve')!.value!;
    const realOpId = realValue.split('|')[0]!;

    const g = gen(SEED);
    const cases: Case[] = Array.from({ length: COUNT }, () => {
      const responseUrl = e2e.slack.newResponseUrl();
      const r = g.random();
      if (r < 0.45)
        return {
          kind: 'command',
          body: slashCommand({ text: commandText(g), userId: g.pick(['UREQ', 'UAPP', 'UOTHER']), channelId: CHANNEL, responseUrl }),
          expectEphemeral: true,
        };
      if (r < 0.6) return { kind: 'broken command', body: brokenCommand(g, responseUrl) };
      if (r < 0.85) return { kind: 'tampered click', body: tamperedClick(g, { ts: plan.ts, realValue, realOpId }, responseUrl) };
      if (r < 0.95) return { kind: 'malformed payload', body: malformedPayload(g) };
      return { kind: 'event', body: eventCallback(g), contentType: 'application/json' };
    });

    const failures: string[] = [];
    let next = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < cases.length) {
          const i = next++;
          const c = cases[i]!;
          let timer: NodeJS.Timeout | undefined;
          const res = await Promise.race([
            e2e.post(c.body, c.contentType ? { headers: { 'content-type': c.contentType } } : {}),
            new Promise<{ status: number; text: string; json?: unknown }>((resolve) => (timer = setTimeout(() => resolve({ status: 999, text: '' }), 10_000))),
          ]);
          clearTimeout(timer);
          if (res.status === 999) failures.push(`#${i} ${c.kind}: no answer within 10 s: ${c.body.slice(0, 300)}`);
          else if (res.status >= 500) failures.push(`#${i} ${c.kind}: HTTP ${res.status}`);
          if (c.expectEphemeral && res.text !== '') {
            const json = res.json as { response_type?: string; text?: string } | undefined;
            if (json?.response_type !== 'ephemeral' || !json.text) failures.push(`#${i} ${c.kind}: answered ${res.text.slice(0, 100)}`);
          }
        }
      }),
    );
    expect(failures.slice(0, 20)).toEqual([]);

    await e2e.bot.engine.idle();
    // Nothing was executed, and the real operation was neither approved nor cancelled by a forgery.
    expect(e2e.metapod.requests).toEqual([]);
    expect(await e2e.bot.store.get(realOpId)).toMatchObject({ state: 'awaiting_approval', approvals: [] });
    const logs = e2e.logs.join('');
    expect(logs).not.toContain(BOT_TOKEN);
    expect(logs).not.toContain(SIGNING_SECRET);

    // And the bot still does its job.
    await e2e.click(plan, 'op_approve', 'UAPP');
    await messageShowing(e2e.slack, plan.ts, /Succeeded/);
    expect(e2e.metapod.requests).toHaveLength(1);
    expect((await fetch(`${e2e.bot.url}/healthz`)).status).toBe(200);
  });
});
