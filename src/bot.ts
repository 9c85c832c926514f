import type { AddressInfo } from 'node:net';
import { App, webApi } from '@slack/bolt';
import type { Logger } from 'pino';
import { loadAllowList } from './actions/cli/allow-list';
import type { CloudWatchActions } from './actions/cloudwatch/cloudwatch-actions';
import type { DynamoDbActions } from './actions/dynamodb/dynamodb-actions';
import type { RollbackTiming } from './runbooks/rollback';
import { wireRunbooks } from './wiring';
import { HttpMetapodActions, type MetapodActions } from './actions/metapod/metapod-actions';
import { AlarmListener } from './alarms/listener';
import { registerAlarmListener } from './alarms/register';
import { wireAlarmPipeline } from './alarms/wire';
import { explainAlarm } from './alarms/explain';
import type { UnroutedAlarms } from './alarms/unrouted';
import { registerConfirmButton } from './slack/handlers/confirm';
import { secretsOf, type Config } from './config';
import { boltLogger } from './observability/bolt-logger';
import { createHealth } from './observability/health';
import { createHttpServer } from './observability/http-server';
import { instrumentAdapter } from './observability/instrument-adapter';
import { createLogger } from './observability/logger';
import { BotMetrics } from './observability/metrics';
import { MetricsObserver } from './observability/metrics-observer';
import { OperationEngine } from './operations/engine';
import { describeApprovers, type ApprovalPolicy } from './operations/policy';
import { isAnyApprover, resolveRules, targetsOf } from './operations/approval-rules';
import { Admission } from './operations/admission';
import { SlackOnCallDirectory } from './slack/oncall-directory';
import { PagerDutyOnCall } from './actions/oncall/pagerduty';
import { OpsgenieOnCall } from './actions/oncall/opsgenie';
import type { RunbookRegistry } from './operations/runbook';
import { SlackDirectory } from './slack/directory';
import { registerOperationButtons } from './slack/handlers/actions';
import { registerPlanMenus } from './slack/handlers/plan-menus';
import { registerAppHome } from './slack/handlers/app-home';
import { registerRunbookCommand, type CommandDeps } from './slack/handlers/command';
import { registerRunbookForm } from './slack/forms/register';
import type { FormLookups } from './slack/forms/lookups';
import { SlackOperationObserver } from './slack/slack-observer';
import { createTransport } from './slack/transport';
import { registerDeliveryDedup } from './slack/delivery-keys';
import { DEFAULT_SLACK_RATE_LIMITS, scaleRateLimits, SlackLimiters, type SlackRateLimits } from './slack/rate-limits';
import { slackFetch } from './slack/web-api-fetch';
import { OutboxSender } from './slack/outbox-sender';
import { registerRecoveryButtons } from './slack/handlers/recovery';
import { registerAlarmOfferButton } from './slack/handlers/alarm-offer';
import { registerExportButton } from './slack/handlers/export';
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

/** One Slack attempt's deadline; WebClient retries a timed-out or 5xx attempt twice, with backoff. */
const SLACK_TIMEOUT_MS = 10_000;
const SLACK_RETRIES = { retries: 2, factor: 2, minTimeout: 500, maxTimeout: 4000, randomize: true };

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

/** Checks the bot token once at start, so a wrong token is one clear message instead of failures later. */
async function verifyBotToken(client: webApi.WebClient): Promise<{ userId?: string; botId?: string; teamId?: string }> {
  try {
    const res = await client.auth.test();
    return { userId: res.user_id, botId: res.bot_id, teamId: res.team_id };
  } catch (err) {
    const code = (err as { data?: { error?: string } }).data?.error;
    throw new Error(
      code
        ? `Slack rejected SLACK_BOT_TOKEN (${code}). Copy the Bot User OAuth Token again from your app's OAuth & Permissions page.`
        : `Could not reach Slack at SLACK_API_URL: ${(err as Error).message}`,
    );
  }
}

/** Wires configuration, store, adapters, engine and Slack, then starts serving. Releases everything if start fails. */
export async function startBot(config: Config, overrides: BotOverrides = {}): Promise<BotHandle> {
  const { botToken, apiUrl, mode } = config.slack;
  if (mode === 'unconfigured' || !botToken) throw new Error('startBot needs SLACK_BOT_TOKEN');
  // A bad CLI_COMMANDS_FILE stops the start with one clear message, before anything connects.
  const allowList = loadAllowList(config.cli.commandsFile);
  const logger = overrides.logger ?? createLogger({ level: config.logLevel, secrets: secretsOf(config) });
  const bolt = boltLogger(logger);
  // Every WebClient (Bolt's, the per-request ones, the health check's) and Bolt's respond() share this
  // fetch: one limiter per method, a deadline per attempt, Retry-After honoured without pausing other methods.
  const limiters = new SlackLimiters(overrides.slackRateLimits ?? scaleRateLimits(DEFAULT_SLACK_RATE_LIMITS, config.slack.rateLimitScale));
  const fetch = slackFetch({ timeoutMs: overrides.slackTimeoutMs ?? SLACK_TIMEOUT_MS, limiters, logger });
  const clientOptions = { slackApiUrl: apiUrl, retryConfig: SLACK_RETRIES, rejectRateLimitedCalls: true, fetch };
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

    const oncall = onCallDirectory(config, app.client);
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
    const handling = new Set<Promise<void>>();
    app.use(async ({ next }) => {
      const done = next();
      handling.add(done);
      try {
        await done;
      } finally {
        handling.delete(done);
      }
    });
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

    const server = createHttpServer({
      slackListener: transport.httpListener,
      signingSecret: config.slack.signingSecret,
      logger,
      ...healthEndpoints(
        store,
        () => transport.state(),
        new webApi.WebClient(botToken, { slackApiUrl: apiUrl, retryConfig: { retries: 0 }, fetch, logger: bolt }),
      ),
      metrics: () => metrics.render(),
      onSlackAck: (seconds, status) => metrics.slackAck.observe({ status: String(status) }, seconds),
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(config.port, overrides.host ?? config.host, () => resolve());
    });
    releases.push(async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    });
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

    const port = (server.address() as AddressInfo).port;
    logger.info({ port, mode, store: config.store.kind, runbooks: [...runbooks.keys()] }, 'runbook-bot is serving');
    let stopped: Promise<void> | undefined;
    return { port, url: `http://127.0.0.1:${port}`, engine, store, logger, metrics, idle, stop: () => (stopped ??= release()) };
  } catch (err) {
    await release();
    throw err;
  }
}

/** `/healthz` and `/readyz`: store and Slack checked separately. */
function healthEndpoints(store: OperationStore, slackTransport: () => string, client: webApi.WebClient) {
  const health = createHealth({ store: () => store.ping(), slackTransport, slackApi: async () => void (await client.auth.test()) });
  return { health: health.live, ready: health.ready };
}

/** Registers every Slack listener, behind the event de-duplication. */
function registerListeners(
  app: App,
  deps: {
    engine: OperationEngine;
    store: OperationStore;
    runbooks: RunbookRegistry;
    logger: Logger;
    policy: ApprovalPolicy;
    oncall: SlackOnCallDirectory;
    freeze: { admission: Admission; isApprover(userId: string): Promise<boolean> };
    explainAlarm?: CommandDeps['explainAlarm'];
    unrouted?: UnroutedAlarms;
    form?: { lookups?: FormLookups; runbookChannel?: string };
  },
): void {
  // Slack redelivers what it thinks we missed (X-Slack-Retry-Num): each delivery is processed once, by
  // whichever replica records its key first, after the ack (a duplicate is acknowledged and dropped).
  registerDeliveryDedup(app, deps);
  // The form (shortcut, App Home button, `/runbook` alone) proposes through the command's path.
  registerRunbookCommand(app, { ...deps, openForm: registerRunbookForm(app, { ...deps, ...deps.form }) });
  registerOperationButtons(app, deps);
  registerRecoveryButtons(app, deps);
  registerPlanMenus(app, deps);
  registerConfirmButton(app, deps);
  registerAppHome(app, deps);
  registerAlarmOfferButton(app, deps);
  registerExportButton(app, deps);
  app.error(async (err) => {
    deps.logger.error({ err }, 'unhandled error in a Slack listener');
    return Promise.resolve();
  });
}

/** The on-call schedules of runbook-bot.yml, read through the providers whose keys are set. */
function onCallDirectory(config: Config, client: webApi.WebClient): SlackOnCallDirectory {
  const { pagerduty, opsgenie } = config.oncall;
  return new SlackOnCallDirectory(
    config.file.approvals.oncall.schedules,
    {
      ...(pagerduty.token ? { pagerduty: new PagerDutyOnCall(pagerduty.url, pagerduty.token) } : {}),
      ...(opsgenie.apiKey ? { opsgenie: new OpsgenieOnCall(opsgenie.url, opsgenie.apiKey) } : {}),
    },
    client,
  );
}
