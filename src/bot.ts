import { App, webApi } from '@slack/bolt';
import type { Logger } from 'pino';
import { loadAllowList } from './actions/cli/allow-list';
import type { CloudWatchActions } from './actions/cloudwatch/cloudwatch-actions';
import type { DynamoDbActions } from './actions/dynamodb/dynamodb-actions';
import type { RollbackTiming } from './runbooks/rollback';
import { wireOnCall, wireRunbooks } from './wiring';
import { HttpMetapodActions, type MetapodActions } from './actions/metapod/metapod-actions';
import { AlarmListener } from './alarms/listener';
import { registerAlarmListener } from './alarms/register';
import { wireAlarmPipeline } from './alarms/wire';
import { explainAlarm } from './alarms/explain';
import { secretsOf, type Config } from './config';
import { boltLogger } from './observability/bolt-logger';
import { instrumentAdapter } from './observability/instrument-adapter';
import { createLogger } from './observability/logger';
import { BotMetrics } from './observability/metrics';
import { MetricsObserver } from './observability/metrics-observer';
import { serveHttp } from './observability/serve';
import { OperationEngine } from './operations/engine';
import { describeApprovers, type ApprovalPolicy } from './operations/policy';
import { isAnyApprover, resolveRules, targetsOf } from './operations/approval-rules';
import { Admission } from './operations/admission';
import { SlackDirectory } from './slack/directory';
import type { FormLookups } from './slack/forms/lookups';
import { registerListeners, trackDeliveries } from './slack/listeners';
import { SlackOperationObserver } from './slack/slack-observer';
import { createTransport } from './slack/transport';
import type { SlackRateLimits } from './slack/rate-limits';
import { slackClientSetup, verifyBotToken } from './slack/web-client';
import { OutboxSender } from './slack/outbox-sender';
import { openStore } from './store/open';
import type { OperationStore } from './store/store';

export interface BotOverrides {
  logger?: Logger;
  store?: OperationStore;
  metapod?: MetapodActions;
  dynamodb?: DynamoDbActions;
  cloudwatch?: CloudWatchActions;
  now?: () => Date;
  /** Interface to listen on (overrides HOST). */
  host?: string;
  /** How often expiry and crash recovery run; defaults from the lease. */
  sweepEveryMs?: number;
  /** How often a long step reports "still running" (default 15 s). */
  progressEveryMs?: number;
  /** Smallest gap between two edits of a progress message (default 3 s). */
  progressMinIntervalMs?: number;
  /** How often a watched dagão run is polled in Airflow (default 30 s). */
  dagaoPollMs?: number;
  /** How long Socket Mode may take to connect at start (default 30 s). */
  socketStartTimeoutMs?: number;
  /** Waiter and verification timing of the rollback runbook (tests shrink it). */
  rollbackTiming?: RollbackTiming;
  /** Deadline of one HTTP attempt to Slack (Web API or response_url); default 10 s. */
  slackTimeoutMs?: number;
  /** Slack's rate limits the bot keeps to (tests use small windows). */
  slackRateLimits?: SlackRateLimits;
}

export interface BotHandle {
  port: number;
  url: string;
  engine: OperationEngine;
  store: OperationStore;
  logger: Logger;
  metrics: BotMetrics;
  /** Resolves when nothing is in flight: Slack deliveries being handled, steps running, thread messages unsent. */
  idle(): Promise<void>;
  stop(): Promise<void>;
}

/** Wires configuration, store, adapters, engine and Slack, then starts serving. Releases everything if start fails. */
export async function startBot(config: Config, overrides: BotOverrides = {}): Promise<BotHandle> {
  const { botToken, apiUrl, mode } = config.slack;
  if (mode === 'unconfigured' || !botToken) throw new Error('startBot needs SLACK_BOT_TOKEN');
  // A bad CLI_COMMANDS_FILE stops the start with one clear message, before anything connects.
  const allowList = loadAllowList(config.cli.commandsFile);
  const logger = overrides.logger ?? createLogger({ level: config.logLevel, secrets: secretsOf(config) });
  const bolt = boltLogger(logger);
  const { limiters, fetch, clientOptions } = slackClientSetup(config, overrides, logger);
  const identity = await verifyBotToken(new webApi.WebClient(botToken, { ...clientOptions, logger: bolt }));

  const releases: (() => Promise<void>)[] = [];
  // Runs last (releases run in reverse): the lines logged while stopping are written before exit.
  releases.push(() => new Promise<void>((resolve) => logger.flush(() => resolve())));
  releases.push(() => limiters.stop());
  const release = async (): Promise<void> => {
    for (const fn of releases.splice(0).reverse()) await fn().catch((err: unknown) => logger.warn({ err }, 'release failed'));
  };
  try {
    const store = overrides.store ?? (await openStore(config));
    releases.push(() => store.close());
    const metrics = new BotMetrics({ store });
    const instrument = <T extends object>(adapter: T | undefined, name: string): T | undefined => adapter && instrumentAdapter(adapter, name, metrics);
    const metapod = instrument(
      overrides.metapod ?? (config.metapod.url ? new HttpMetapodActions(config.metapod.url, config.metapod.timeoutMs) : undefined),
      'metapod',
    );
    const transport = createTransport(config, bolt, overrides.socketStartTimeoutMs);
    const app = new App({
      token: botToken,
      receiver: transport.receiver,
      logger: bolt,
      clientOptions,
      botId: identity.botId,
      botUserId: identity.userId,
      tokenVerificationEnabled: false,
      convoStore: false,
    });

    const oncall = wireOnCall(config, app.client);
    const policy: ApprovalPolicy = { approvers: config.approvers, directory: new SlackDirectory(app.client), oncall };
    const admission = new Admission(store, config.file.approvals.limits, overrides.now);
    const freeze = {
      admission,
      isApprover: (userId: string) => isAnyApprover(config.file.approvals, config.approvers, userId, { groups: policy.directory, oncall }),
    };
    let lookups: FormLookups | undefined;
    const runbooks = wireRunbooks(config, {
      metapod,
      allowList,
      instrument,
      slack: app.client,
      overrides,
      logger,
      onClose: (fn) => void releases.push(fn),
      onLookups: (l) => (lookups = l),
    });
    // The outbox lease outlives a slow Slack attempt with its retries, and expires like a step's lease after a crash.
    const outbox = new OutboxSender({
      store,
      client: app.client,
      logger,
      owner: `outbox-${process.pid}-${Math.random().toString(36).slice(2, 8)}`,
      leaseMs: Math.max(2 * config.leaseMs, 2000),
    });
    releases.push(() => outbox.stop(config.shutdownGraceMs));
    const observer = new MetricsObserver(
      new SlackOperationObserver(
        app.client,
        {
          approvers: describeApprovers(policy),
          ruleNow: (op, risk) => resolveRules(config.file.approvals, config.approvers, op.runbook, targetsOf(op.input, op.plan.facts))[risk],
        },
        logger,
        overrides.progressMinIntervalMs,
        (id) => store.get(id),
        outbox,
      ),
      metrics,
    );
    const engine = new OperationEngine({
      store,
      runbooks,
      policy,
      observer,
      logger,
      approvalTtlMs: config.approvalTtlMs,
      leaseMs: config.leaseMs,
      now: overrides.now,
      progressEveryMs: overrides.progressEveryMs,
      approvalRules: (runbook, input, plan) => resolveRules(config.file.approvals, config.approvers, runbook, targetsOf(input, plan.facts)),
      admission,
      reminders: { ...config.file.approvals.reminders, oncall },
    });
    releases.push(() => engine.stop(config.shutdownGraceMs));
    const pipeline = wireAlarmPipeline(config, {
      runbooks,
      registry: metrics.registry,
      cloudwatch: overrides.cloudwatch,
      instrument: (a, name) => instrumentAdapter(a, name, metrics),
      onClose: (fn) => void releases.push(fn),
    });
    const alarms = new AlarmListener({
      engine,
      store,
      client: app.client,
      logger,
      channel: config.runbookChannel,
      self: identity,
      now: overrides.now,
      ...pipeline,
    });
    // Runs before engine.stop (releases run in reverse): alarms being handled finish proposing first.
    releases.push(() => alarms.stop());
    // Deliveries still being handled after their ack (idle() waits for them: the sandbox, tests, bench).
    const handling = trackDeliveries(app);
    const idle = async (): Promise<void> => {
      for (;;) {
        await Promise.allSettled([...handling]);
        await engine.idle();
        await outbox.idle();
        if (handling.size === 0) return;
      }
    };
    registerListeners(app, {
      engine,
      store,
      runbooks,
      logger,
      policy,
      oncall,
      freeze,
      explainAlarm: (text) => explainAlarm(text, { pipeline, client: app.client }),
      unrouted: pipeline.unrouted,
      form: { lookups, runbookChannel: config.runbookChannel },
    });
    registerAlarmListener(app, alarms);

    const http = await serveHttp({
      port: config.port,
      host: overrides.host ?? config.host,
      transport,
      signingSecret: config.slack.signingSecret,
      store,
      healthClient: new webApi.WebClient(botToken, { slackApiUrl: apiUrl, retryConfig: { retries: 0 }, fetch, logger: bolt }),
      metrics,
      logger,
    });
    releases.push(() => http.close());
    releases.push(() => transport.stop());
    await transport.start(app);

    await engine.sweep();
    await outbox.sweep().catch((err: unknown) => logger.error({ err }, 'outbox sweep failed'));
    const sweepEvery = overrides.sweepEveryMs ?? Math.max(250, Math.min(15_000, Math.floor(config.leaseMs / 2)));
    let sweeping: Promise<void> = Promise.resolve();
    const sweeper = setInterval(() => {
      sweeping = engine.sweep().catch((err: unknown) => logger.error({ err }, 'sweep failed'));
      void outbox.sweep().catch((err: unknown) => logger.error({ err }, 'outbox sweep failed'));
    }, sweepEvery);
    // A sweep under way (expiry, reminders) finishes before the store closes.
    releases.push(async () => {
      clearInterval(sweeper);
      await sweeping;
    });

    const { port } = http;
    logger.info({ port, mode, store: config.store.kind, runbooks: [...runbooks.keys()] }, 'runbook-bot is serving');
    let stopped: Promise<void> | undefined;
    return { port, url: `http://127.0.0.1:${port}`, engine, store, logger, metrics, idle, stop: () => (stopped ??= release()) };
  } catch (err) {
    await release();
    throw err;
  }
}
