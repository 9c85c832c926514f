import { z } from 'zod';
import type { AnyRunbook, RunbookRegistry } from '../operations/runbook';
import { escapeMrkdwn } from '../util/text';
import type { Alarm } from './types';

/** The button in an alarm's thread that starts a runbook another runbook's claim left out. */
export const ALARM_OFFER_ACTION = 'alarm_offer';

// Slack caps a button value at 2000 characters.
const MAX_VALUE = 2000;

/**
 * What an offer button carries: the runbook, the alarm's channel, workspace and thread, and the input it
 * offered (validated again on click). A click is accepted only from that channel and workspace; offers
 * posted before the channel was carried are refused as not valid.
 */
export const OfferValue = z
  .string()
  .max(MAX_VALUE)
  .transform((v, ctx) => {
    try {
      return JSON.parse(v) as unknown;
    } catch {
      ctx.addIssue({ code: 'custom', message: 'not JSON' });
      return z.NEVER;
    }
  })
  .pipe(
    z.object({
      r: z.string().regex(/^[a-z][a-z0-9-]{0,40}$/),
      c: z.string().regex(/^[A-Z0-9]{2,30}$/),
      w: z
        .string()
        .regex(/^[A-Z0-9]{2,30}$/)
        .optional(),
      t: z.string().regex(/^\d{1,12}\.\d{1,8}$/),
      i: z.unknown(),
    }),
  );

/** A Slack message offering a runbook with its input for an alarm. */
export interface AlarmOffer {
  runbook: string;
  text: string;
  blocks: Record<string, unknown>[];
}

/** The offers of every runbook except the one that claimed the alarm (none when nothing claimed it); `team` is the workspace the alarm was posted in. */
export function alarmOffers(alarm: Alarm, runbooks: RunbookRegistry, claimedBy: string, thread: string, team?: string): AlarmOffer[] {
  return [...runbooks.values()]
    .filter((r) => r.name !== claimedBy)
    .flatMap((r) => {
      const offer = offerFor(r, alarm, thread, team);
      return offer ? [offer] : [];
    });
}

function offerFor(runbook: AnyRunbook, alarm: Alarm, thread: string, team: string | undefined): AlarmOffer | undefined {
  const input: unknown = runbook.offerForAlarm?.(alarm);
  if (input === undefined) return undefined;
  // The thread travels in the value: a click payload does not always say which thread the button is in.
  const value = JSON.stringify({ r: runbook.name, c: alarm.source.channel, ...(team ? { w: team } : {}), t: thread, i: input });
  if (value.length > MAX_VALUE) return undefined;
  const shown = Object.entries(input as Record<string, unknown>)
    .map(([k, v]) => `${k} \`${escapeMrkdwn(String(v))}\``)
    .join(', ');
  const text = `:bulb: This may also be a case for *${escapeMrkdwn(runbook.title)}* (${shown}). Nothing starts until someone clicks; whoever clicks is the requester.`;
  return {
    runbook: runbook.name,
    text,
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: text.slice(0, 3000) } },
      {
        type: 'actions',
        block_id: 'alarm_offer',
        elements: [{ type: 'button', action_id: ALARM_OFFER_ACTION, text: { type: 'plain_text', text: `Start ${runbook.name}`.slice(0, 75) }, value }],
      },
    ],
  };
}
