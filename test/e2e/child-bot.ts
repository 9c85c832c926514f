import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { startMetapodFake, type MetapodFake } from '../../src/sandbox/fakes/metapod';
import { startSlackEmulator, type SlackEmulator } from '../../src/sandbox/fakes/slack-api';
import { waitFor } from '../support/wait-for';

export interface ChildBot {
  port: number;
  url: string;
  proc: ChildProcess;
  output: string[];
  kill(signal?: NodeJS.Signals): Promise<number | null>;
}

const ROOT = join(__dirname, '..', '..');

/**
 * Runs `src/main.ts` in a real process (as `npm start` would), configured only by environment. The emulator
 * does not rate-limit unless a test asks, so the bot's own limits are lifted (a test can set them back).
 */
export async function spawnBot(env: Record<string, string>): Promise<ChildBot> {
  const proc = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'src', 'main.ts')], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      SLACK_RATE_LIMIT_SCALE: '1000',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  proc.stdout.on('data', (d: Buffer) => output.push(d.toString()));
  proc.stderr.on('data', (d: Buffer) => output.push(d.toString()));
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  let port: number;
  try {
    port = await waitFor(
      () => {
        if (proc.exitCode !== null) throw new Error(`the bot exited early:\n${output.join('')}`);
        const match = /"port":(\d+).*runbook-bot is serving/.exec(output.join(''));
        return match ? Number(match[1]) : undefined;
      },
      { timeoutMs: 20_000, what: 'the child bot to start' },
    );
  } catch (err) {
    // A bot that never said it was serving must not outlive the test.
    if (proc.exitCode === null) proc.kill('SIGKILL');
    await exited;
    throw err;
  }
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    proc,
    output,
    kill: (signal = 'SIGKILL') => {
      if (proc.exitCode === null) proc.kill(signal);
      return exited;
    },
  };
}

/** The fakes child bots talk to, fresh for each test, and the bots spawned in it (killed after it). */
export interface ChildBotFakes {
  slack: SlackEmulator;
  metapod: MetapodFake;
  children: ChildBot[];
}

/** Registers the per-test set-up and tear-down of ChildBotFakes in the calling describe block (or file). */
export function useChildBotFakes(): ChildBotFakes {
  const fakes = { children: [] } as unknown as ChildBotFakes;
  beforeEach(async () => {
    fakes.slack = await startSlackEmulator();
    fakes.metapod = await startMetapodFake();
  });
  afterEach(async () => {
    await Promise.all(fakes.children.splice(0).map((c) => c.kill()));
    fakes.slack.assertNoUnexpected();
    fakes.metapod.assertNoUnexpected();
    await fakes.slack.close();
    await fakes.metapod.close();
  });
  return fakes;
}
