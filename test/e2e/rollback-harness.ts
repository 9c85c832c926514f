import type { RollbackTiming } from '../../src/runbooks/rollback';
import { startCloudFormationFake, type CloudFormationFake } from '../../src/sandbox/fakes/cloudformation';
import { startGoCdFake, type GoCdFake } from '../../src/sandbox/fakes/gocd';
import { startServiceVersionFake, type ServiceVersionFake } from '../../src/sandbox/fakes/service-version';
import { waitFor } from '../support/wait-for';
import { CHANNEL, messageShowing, startE2E, textOf, type E2E } from './harness';
import type { EmulatedMessage } from '../../src/sandbox/fakes/slack-api';

/** A full SHA made of one repeated hex word, easy to read in failures. */
export const sha = (word: string): string => word.repeat(40).slice(0, 40);
export const GOOD = sha('600d');
export const BAD = sha('bad0');
export const OLDER = sha('01de');
export const NEWER_BROKEN = sha('f00f');
export const short = (full: string): string => full.slice(0, 7);

/** Fast waiters and polls; upper bounds stay generous so slow machines do not flake. */
export const FAST_TIMING: RollbackTiming = {
  waiter: { maxWaitSeconds: 20, minDelaySeconds: 0.02, maxDelaySeconds: 0.05 },
  eventsEveryMs: 20,
  verify: { intervalMs: 10, timeoutMs: 1500, needed: 3, window: 10, settledWindow: 5 },
  historyLimit: 25,
};

/** Parameters of a blue/green stack where Blue serves `live` with 3 instances and Green is idle on `idle`. */
export function blueGreen(live: string, idle: string, liveCount = 3): Record<string, string> {
  return {
    Environment: 'prod',
    BlueVersion: short(live),
    BlueInstanceCount: String(liveCount),
    GreenVersion: short(idle),
    GreenInstanceCount: '0',
    Subnets: 'subnet-a,subnet-b',
  };
}

export interface RollbackE2E {
  e2e: E2E;
  cfn: CloudFormationFake;
  gocd: GoCdFake;
  svc: ServiceVersionFake;
  close(): Promise<void>;
}

/** The real bot with CloudFormation, GoCD and service fakes on loopback, reached through the real clients. */
export async function startRollbackE2E(options: { serviceUrls?: boolean } = {}): Promise<RollbackE2E> {
  const cfn = await startCloudFormationFake();
  const gocd = await startGoCdFake({ token: 'gocd-e2e-token' });
  const svc = await startServiceVersionFake();
  const env: Record<string, string> = { AWS_ENDPOINT_URL_CLOUDFORMATION: cfn.url, GOCD_URL: gocd.url, GOCD_TOKEN: 'gocd-e2e-token' };
  if (options.serviceUrls !== false) env.SERVICE_URL_TEMPLATE = svc.template;
  const e2e = await startE2E({ env, overrides: { rollbackTiming: FAST_TIMING, progressMinIntervalMs: 10 } });
  return {
    e2e,
    cfn,
    gocd,
    svc,
    async close() {
      await e2e.close();
      await Promise.all([cfn.close(), gocd.close(), svc.close()]);
    },
  };
}

/**
 * Registers, in the calling describe block, a fresh RollbackE2E per test (then `seed` on it) and its
 * tear-down, which fails the test on any request a fake did not expect. The returned object is filled in
 * before each test.
 */
export function useRollbackE2E(seed: (t: RollbackE2E) => void = () => undefined): RollbackE2E {
  const t = {} as RollbackE2E;
  beforeEach(async () => {
    Object.assign(t, await startRollbackE2E());
    seed(t);
  });
  afterEach(async () => {
    await t.close();
    t.e2e.slack.assertNoUnexpected();
    t.cfn.assertNoUnexpected();
    t.gocd.assertNoUnexpected();
    t.svc.assertNoUnexpected();
  });
  return t;
}

/** The usual GoCD history of a service: 40 older, 41 good, 42 bad (deployed), 43 a failed newer build. */
export function seedHistory(gocd: GoCdFake, pipeline: string): void {
  gocd.setRuns(pipeline, [
    { pipeline, counter: 40, sha: OLDER, author: 'Bia <bia@example.com>', message: 'Older change' },
    { pipeline, counter: 41, sha: GOOD, author: 'Ana <ana@example.com>', message: 'Good change' },
    { pipeline, counter: 42, sha: BAD, author: 'Rui <rui@example.com>', message: 'Buggy change' },
    { pipeline, counter: 43, sha: NEWER_BROKEN, state: 'failed', message: 'Broken build' },
  ]);
  gocd.setRuns('to-prod', [{ pipeline: 'to-prod', counter: 9, upstream: [`${pipeline}/42/release/1`] }]);
}

/** Waits for the plan message to reach a gate (or an end) and returns it. */
export function planAt(e2e: E2E, ts: string, pattern: RegExp): Promise<EmulatedMessage> {
  return messageShowing(e2e.slack, ts, pattern, 10_000);
}

/**
 * Waits for the plan to stop at its first gate, and for the engine to finish telling Slack about it:
 * the observer's message updates are not ordered, so a click racing them could be shown out of order.
 */
export async function firstGate(e2e: E2E): Promise<EmulatedMessage> {
  const plan = await e2e.planMessage();
  await planAt(e2e, plan.ts, /Awaiting approval/);
  await e2e.bot.engine.idle();
  return structuredClone(e2e.slack.message(CHANNEL, plan.ts)!);
}

/** The text of every reply in a message's thread. */
export function threadText(e2e: E2E, ts: string): string {
  return e2e.slack.threadReplies(CHANNEL, ts).map(textOf).join('\n');
}

/** The ephemeral answer to a command (sent on its response_url). */
export function answerTo(e2e: E2E, responseUrl: string): Promise<string> {
  return waitFor(
    () =>
      e2e.slack
        .responsesTo(responseUrl)
        .map((r) => textOf(r as never))
        .join('\n') || undefined,
    { what: 'the ephemeral answer', timeoutMs: 8000 },
  );
}
