import { z } from 'zod';
import { alarmOffers, OfferValue } from '../../../src/alarms/offers';
import type { Alarm } from '../../../src/alarms/types';
import type { AnyRunbook, RunbookRegistry } from '../../../src/operations/runbook';
import { offerFromAlarm } from '../../../src/runbooks/build-failure/input';

const TX = '7c9e6679-7425-40de-944b-e07fc1f90ae7';
const alarm: Alarm = {
  kind: 'airflow-task-failure',
  dagId: 'dagao',
  taskId: 'fx-model',
  transactionId: TX,
  state: 'ALARM',
  key: 'airflow:dagao:fx-model',
  source: { channel: 'CDATA', ts: '1800000000.000100' },
};

const runbook = (name: string, offer?: (a: Alarm) => unknown): AnyRunbook =>
  ({
    name,
    title: `The ${name} <runbook>`,
    usage: [],
    inputSchema: z.unknown(),
    parse: () => ({ ok: false, error: '' }),
    buildPlan: () => Promise.reject(new Error('no')),
    steps: [],
    offerForAlarm: offer,
  }) as AnyRunbook;

describe('alarmOffers', () => {
  const registry: RunbookRegistry = new Map([
    ['dagao', runbook('dagao', () => ({ from: 'status' }))],
    ['build-failure', runbook('build-failure', (a) => (a.kind === 'airflow-task-failure' ? offerFromAlarm(a, 'dagao') : undefined))],
    ['retract', runbook('retract')],
  ]);

  it('offers every other runbook that wants the alarm, with its channel, workspace, thread and input in the button value', () => {
    const offers = alarmOffers(alarm, registry, 'dagao', '1800000000.000100', 'T0001');
    expect(offers.map((o) => o.runbook)).toEqual(['build-failure']);
    const button = (offers[0]!.blocks[1] as { elements: { action_id: string; value: string }[] }).elements[0]!;
    expect(button.action_id).toBe('alarm_offer');
    expect(OfferValue.parse(button.value)).toEqual({
      r: 'build-failure',
      c: alarm.source.channel,
      w: 'T0001',
      t: '1800000000.000100',
      i: { transactionId: TX, dagId: 'dagao' },
    });
    expect(offers[0]!.text).toContain('*The build-failure &lt;runbook&gt;*');
    expect(offers[0]!.text).toContain(`transactionId \`${TX}\``);
  });

  it('refuses an offer value without the channel it was posted in (an older button): its origin cannot be checked', () => {
    expect(OfferValue.safeParse(JSON.stringify({ r: 'build-failure', t: '1800000000.000100', i: {} })).success).toBe(false);
  });

  it('offers nothing for the claimer itself, nor when the value would not fit in a button', () => {
    expect(alarmOffers(alarm, new Map([['dagao', registry.get('dagao')!]]), 'dagao', '1.2')).toEqual([]);
    const huge = new Map([['big', runbook('big', () => ({ x: 'y'.repeat(3000) }))]]);
    expect(alarmOffers(alarm, huge, 'dagao', '1.2')).toEqual([]);
  });

  it('refuses forged or broken button values', () => {
    for (const value of [
      '',
      'not json',
      '{"r":"$(id)","t":"1.2","i":{}}',
      '{"r":"retract","t":"1.2; rm","i":{}}',
      '{"r":"retract","i":{}}',
      'x'.repeat(2001),
    ]) {
      expect(OfferValue.safeParse(value).success).toBe(false);
    }
  });
});

describe('build-failure offerFromAlarm', () => {
  it('offers itself for a dagão failure naming its transaction, and for nothing else', () => {
    expect(offerFromAlarm({ ...alarm, kind: 'airflow-task-failure', runId: 'scheduled__2026-11-24T00:00:00+00:00' }, 'dagao')).toEqual({
      transactionId: TX,
      dagId: 'dagao',
      dagRunId: 'scheduled__2026-11-24T00:00:00+00:00',
    });
    expect(offerFromAlarm({ kind: 'airflow-task-failure', dagId: 'dagao', state: 'ALARM' }, 'dagao')).toBeUndefined();
    expect(offerFromAlarm({ kind: 'airflow-task-failure', dagId: 'models-nightly', transactionId: TX, state: 'ALARM' }, 'dagao')).toBeUndefined();
    expect(offerFromAlarm({ kind: 'airflow-task-failure', dagId: 'dagao', transactionId: TX, state: 'OK' }, 'dagao')).toBeUndefined();
    expect(offerFromAlarm({ kind: 'airflow-task-failure', dagId: 'dagao', transactionId: 'not-a-uuid', state: 'ALARM' }, 'dagao')).toBeUndefined();
  });
});
