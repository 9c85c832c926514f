import type { RunningBackend } from './backends';
import type { EmulatedMessage, SlackEmulator } from './fakes/slack-api';
import { until } from './web-http';

// The guided tour: each simulated backend's steps, played through the page's own API so the bot sees what a person's clicks send.

/** Where the tour is, as the page shows it. */
export interface TourState {
  running: boolean;
  say?: string;
  as?: string;
  step: number;
  total: number;
  error?: string;
}

/** What the tour needs: the backends' steps, the channel, and the page's own actions. */
export interface TourDeps {
  slack: SlackEmulator;
  backends: Map<string, RunningBackend>;
  channelId: string;
  idle: () => Promise<void>;
  pauseMs: number;
  command(body: { user?: string; text: string }): Promise<unknown>;
  click(body: { user?: string; ts: string; actionId: string }): Promise<unknown>;
  alarm(body: { backend: string; index: number }): Promise<unknown>;
}

/** Plays every backend's tour steps in order, updating `tour` as it goes; throws when a step finds nothing to act on. */
export async function playTour(tour: TourState, deps: TourDeps): Promise<void> {
  const { slack, channelId } = deps;
  /** The newest message (top level or in a thread) that shows button `actionId`. */
  const newestWithButton = (actionId: string): EmulatedMessage | undefined =>
    slack.messages.filter((m) => m.channel === channelId && JSON.stringify(m.blocks ?? []).includes(`"action_id":"${actionId}"`)).at(-1);
  const steps = [...deps.backends].flatMap(([backend, b]) => (b.tour ?? []).map((s) => ({ ...s, backend })));
  // Messages before this index belong to earlier walks: `after` looks only at newer ones.
  let mark = 0;
  tour.total = steps.length;
  for (const [i, step] of steps.entries()) {
    // `as` stays the last person who acted, so a page that polled past a step still follows them.
    Object.assign(tour, { step: i + 1, say: step.say, as: step.as ?? tour.as });
    // The bot does its work after the ack: wait until Slack heard from it before the next step.
    if (step.after) {
      const shows = (): boolean =>
        slack.messages.slice(mark).some((m) => m.channel === channelId && `${m.text}${JSON.stringify(m.blocks ?? [])}`.includes(step.after!));
      await until(shows, 120_000);
      if (!shows()) throw new Error(`the tour waited for a message showing "${step.after}", and there is none`);
      await deps.idle();
    }
    const calls = slack.calls.length;
    if (step.command !== undefined || step.alarm !== undefined) mark = slack.messages.length;
    if (step.command) await deps.command({ user: step.as, text: `/runbook ${step.command}` });
    if (step.alarm !== undefined) await deps.alarm({ backend: step.backend, index: step.alarm });
    if (step.click) {
      const message = newestWithButton(step.click);
      if (!message) throw new Error(`the tour expected a "${step.click}" button, and there is none`);
      await deps.click({ user: step.as, ts: message.ts, actionId: step.click });
    }
    if (step.command || step.click || step.alarm !== undefined) await until(() => slack.calls.length > calls, 5000);
    await deps.idle();
    await new Promise((r) => setTimeout(r, deps.pauseMs));
  }
}
