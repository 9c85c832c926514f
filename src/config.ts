import { z } from 'zod';
import { parseDuration } from './util/duration';
import { ConfigFileError, loadConfigFile } from './config-file/load';
import type { ConfigFile } from './config-file/schema';

/** Every problem with the environment, named by variable; never includes a secret's value. */
export class ConfigError extends Error {
  readonly code = 'invalid_config';
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

export type SlackMode = 'http' | 'socket' | 'unconfigured';

export interface Config {
  slack: { mode: SlackMode; botToken?: string; signingSecret?: string; appToken?: string; apiUrl: string; rateLimitScale: number };
  port: number;
  host: string;
  runbookChannel: string;
  approvers: string[];
  approvalTtlMs: number;
  leaseMs: number;
  /** On SIGTERM, how long running steps may take to finish before they are marked interrupted. */
  shutdownGraceMs: number;
  store: { kind: 'sqlite' | 'dynamodb'; databasePath: string; table: string };
  /** `endpoints` holds AWS_ENDPOINT_URL_<SERVICE> overrides by service (DYNAMODB, CLOUDFORMATION, …). */
  aws: { region?: string; endpoint?: string; endpoints: Record<string, string> };
  metapod: { url?: string; timeoutMs: number };
  sonar: { url?: string; token?: string };
  airflow: { url?: string; username?: string; password?: string; dagaoDagId: string; apiVersion: 'auto' | '1' | '2' };
  gocd: { url?: string; token?: string; pipelineTemplate: string; toProdPipeline: string; dagaoPipelines: string[] };
  serviceUrlTemplate?: string;
  github: { apiUrl: string; token?: string; itaipuRepo: string; itaipuDatasetsFile: string; auroraJobsRepo: string; auroraJobsDagFile: string };
  policyModels?: string[];
  cli: { sabespBin: string; nuBin: string; commandsFile?: string };
  /** Datomic capacity runbook: cap on RCU/WCU, how far back the diagnosis looks, how long a change is watched. */
  datomic: { maxCapacity: number; lookbackMs: number; watchMs: number };
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** runbook-bot.yml (RUNBOOK_CONFIG): alarm routes and approval policies; the built-in defaults when absent. */
  file: ConfigFile;
  /** On-call providers for approval policies (`approvals.oncall` in runbook-bot.yml). */
  oncall: { pagerduty: { url: string; token?: string }; opsgenie: { url: string; apiKey?: string } };
}

/** Empty (or blank) values count as unset: `FOO=` in an env file means "not configured". */
const opt = <T extends z.ZodType>(schema: T) => z.preprocess((v) => (typeof v === 'string' && v.trim() === '' ? undefined : v), schema.optional());
const httpUrl = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' });
const duration = (max: number) =>
  z.string().transform((v, ctx) => {
    const ms = parseDuration(v);
    if (ms === undefined || ms <= 0 || ms > max) {
      ctx.addIssue({ code: 'custom', message: `must be a duration like 90s, 30m or 2h (at most ${max / 3_600_000}h)` });
      return z.NEVER;
    }
    return ms;
  });
const list = (item: RegExp, what: string) =>
  z.string().transform((v, ctx) => {
    const items = v
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    const bad = items.filter((s) => !item.test(s));
    if (bad.length > 0) ctx.addIssue({ code: 'custom', message: `${bad.length} entr${bad.length === 1 ? 'y is' : 'ies are'} not ${what}` });
    return items;
  });
const repo = z.string().regex(/^[\w.-]+\/[\w.-]+$/, 'must look like owner/name');

const EnvSchema = z.object({
  SLACK_BOT_TOKEN: opt(z.string().regex(/^xoxb-\S+$/, 'must be a bot token starting with xoxb-')),
  SLACK_SIGNING_SECRET: opt(z.string().regex(/^\S{8,}$/, "must be the app's signing secret (no spaces)")),
  SLACK_APP_TOKEN: opt(z.string().regex(/^xapp-\S+$/, 'must be an app-level token starting with xapp-')),
  SLACK_API_URL: opt(httpUrl),
  SLACK_RATE_LIMIT_SCALE: opt(z.coerce.number({ error: 'must be a number' }).min(0.05, 'must be at least 0.05').max(1000, 'must be at most 1000')),
  HOST: opt(z.string().regex(/^[\w.:-]+$/, 'must be an interface address like 0.0.0.0 or 127.0.0.1')),
  PORT: opt(z.coerce.number({ error: 'must be a port number' }).int('must be a whole number').min(0).max(65535)),
  RUNBOOK_CHANNEL: opt(z.string().regex(/^#?[\w.-]{1,80}$/, 'must be a channel name or id')),
  APPROVERS: opt(list(/^[UWS][A-Z0-9]{2,}$/, 'Slack user ids (U…/W…) or user group ids (S…)')),
  APPROVAL_TTL: opt(duration(24 * 3_600_000)),
  RUNNING_LEASE: opt(duration(3_600_000)),
  SHUTDOWN_GRACE: opt(duration(3_600_000)),
  DATABASE_PATH: opt(z.string()),
  STORE: opt(z.enum(['sqlite', 'dynamodb'], { error: 'must be sqlite or dynamodb' })),
  STORE_TABLE: opt(z.string().regex(/^[\w.-]{3,255}$/, 'must be a DynamoDB table name')),
  AWS_REGION: opt(z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'must be an AWS region like us-east-1')),
  AWS_ENDPOINT_URL: opt(httpUrl),
  METAPOD_URL: opt(httpUrl),
  METAPOD_TIMEOUT: opt(duration(3_600_000)),
  SONAR_URL: opt(httpUrl),
  SONAR_TOKEN: opt(z.string()),
  AIRFLOW_URL: opt(httpUrl),
  AIRFLOW_USERNAME: opt(z.string()),
  AIRFLOW_PASSWORD: opt(z.string()),
  AIRFLOW_API_VERSION: opt(z.enum(['auto', '1', '2'], { error: 'must be auto, 1 (Airflow 2) or 2 (Airflow 3)' })),
  DAGAO_DAG_ID: opt(z.string().regex(/^[\w.-]+$/, 'must be an Airflow DAG id')),
  GOCD_URL: opt(httpUrl),
  GOCD_TOKEN: opt(z.string()),
  GOCD_PIPELINE_TEMPLATE: opt(z.string().regex(/\{service\}/, 'must contain {service}')),
  TO_PROD_PIPELINE: opt(z.string().regex(/^[\w.-]+$/, 'must be a pipeline name')),
  DAGAO_PIPELINES: opt(list(/^[\w.-]+$/, 'pipeline names')),
  SERVICE_URL_TEMPLATE: opt(z.string().regex(/^https?:\/\/.*\{service\}/, 'must be an http(s) URL template containing {service}')),
  GITHUB_API_URL: opt(httpUrl),
  GITHUB_TOKEN: opt(z.string()),
  ITAIPU_REPO: opt(repo),
  ITAIPU_DATASETS_FILE: opt(z.string()),
  AURORA_JOBS_REPO: opt(repo),
  AURORA_JOBS_DAG_FILE: opt(z.string()),
  POLICY_MODELS: opt(list(/^[\w.-]+$/, 'model names')),
  SABESP_BIN: opt(z.string()),
  NU_BIN: opt(z.string()),
  DATOMIC_MAX_CAPACITY: opt(z.coerce.number({ error: 'must be a number of capacity units' }).int('must be a whole number').min(1).max(1_000_000)),
  DATOMIC_LOOKBACK: opt(duration(24 * 3_600_000)),
  DATOMIC_WATCH: opt(duration(3_600_000)),
  CLI_COMMANDS_FILE: opt(z.string()),
  RUNBOOK_CONFIG: opt(z.string()),
  PAGERDUTY_API_URL: opt(httpUrl),
  PAGERDUTY_TOKEN: opt(z.string().regex(/^\S{8,}$/, 'must be a PagerDuty REST API key')),
  OPSGENIE_API_URL: opt(httpUrl),
  OPSGENIE_API_KEY: opt(z.string().regex(/^\S{8,}$/, 'must be an Opsgenie API integration key')),
  LOG_LEVEL: opt(
    z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], { error: 'must be one of fatal, error, warn, info, debug, trace, silent' }),
  ),
});

/** The AWS_ENDPOINT_URL_<SERVICE> overrides, by service. */
function serviceEndpoints(env: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(
    Object.entries(env)
      .filter(([k, v]) => k.startsWith('AWS_ENDPOINT_URL_') && typeof v === 'string' && v.trim() !== '')
      .map(([k, v]) => [k.slice('AWS_ENDPOINT_URL_'.length), v!.trim()]),
  );
}

/** Reads and validates the configuration contract (see README) from `env`. Throws ConfigError. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = EnvSchema.safeParse(env);
  const problems = parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
  // Rules across variables look at the raw values, so they are reported together with the others.
  const set = (name: string): boolean => (env[name] ?? '').trim() !== '';
  if (set('SLACK_BOT_TOKEN') && !set('SLACK_APP_TOKEN') && !set('SLACK_SIGNING_SECRET')) {
    problems.push('SLACK_SIGNING_SECRET: required with SLACK_BOT_TOKEN in HTTP mode (Basic Information > App Credentials)');
  }
  for (const [service, url] of Object.entries(serviceEndpoints(env))) {
    if (!httpUrl.safeParse(url).success) problems.push(`AWS_ENDPOINT_URL_${service}: must be an http(s) URL`);
  }
  if (!parsed.success || problems.length > 0) throw new ConfigError(problems);
  const e = parsed.data;
  let file: ConfigFile;
  try {
    file = loadConfigFile(e.RUNBOOK_CONFIG ?? './runbook-bot.yml', e.RUNBOOK_CONFIG !== undefined);
  } catch (err) {
    if (err instanceof ConfigFileError) throw new ConfigError(err.problems.map((p) => `RUNBOOK_CONFIG ${p}`));
    throw err;
  }
  const mode: SlackMode = !e.SLACK_BOT_TOKEN ? 'unconfigured' : e.SLACK_APP_TOKEN ? 'socket' : 'http';
  const apiUrl = e.SLACK_API_URL ?? 'https://slack.com/api/';
  return {
    slack: {
      mode,
      botToken: e.SLACK_BOT_TOKEN,
      signingSecret: e.SLACK_SIGNING_SECRET,
      appToken: e.SLACK_APP_TOKEN,
      apiUrl: apiUrl.endsWith('/') ? apiUrl : `${apiUrl}/`,
      rateLimitScale: e.SLACK_RATE_LIMIT_SCALE ?? 1,
    },
    port: e.PORT ?? 3000,
    host: e.HOST ?? '0.0.0.0',
    runbookChannel: (e.RUNBOOK_CHANNEL ?? 'guild-data-eng').replace(/^#/, ''),
    approvers: e.APPROVERS ?? [],
    approvalTtlMs: e.APPROVAL_TTL ?? 30 * 60_000,
    leaseMs: e.RUNNING_LEASE ?? 30_000,
    shutdownGraceMs: e.SHUTDOWN_GRACE ?? 20_000,
    store: { kind: e.STORE ?? 'sqlite', databasePath: e.DATABASE_PATH ?? './data/runbook-bot.db', table: e.STORE_TABLE ?? 'runbook-bot-operations' },
    aws: { region: e.AWS_REGION, endpoint: e.AWS_ENDPOINT_URL, endpoints: serviceEndpoints(env) },
    metapod: { url: e.METAPOD_URL?.replace(/\/+$/, ''), timeoutMs: e.METAPOD_TIMEOUT ?? 30_000 },
    sonar: { url: e.SONAR_URL, token: e.SONAR_TOKEN },
    airflow: {
      url: e.AIRFLOW_URL?.replace(/\/+$/, ''),
      username: e.AIRFLOW_USERNAME,
      password: e.AIRFLOW_PASSWORD,
      dagaoDagId: e.DAGAO_DAG_ID ?? 'dagao',
      apiVersion: e.AIRFLOW_API_VERSION ?? 'auto',
    },
    gocd: {
      url: e.GOCD_URL?.replace(/\/+$/, ''),
      token: e.GOCD_TOKEN,
      pipelineTemplate: e.GOCD_PIPELINE_TEMPLATE ?? '{service}',
      toProdPipeline: e.TO_PROD_PIPELINE ?? 'to-prod',
      dagaoPipelines: e.DAGAO_PIPELINES ?? ['itaipu', 'aurora-jobs'],
    },
    serviceUrlTemplate: e.SERVICE_URL_TEMPLATE,
    github: {
      apiUrl: (e.GITHUB_API_URL ?? 'https://api.github.com').replace(/\/+$/, ''),
      token: e.GITHUB_TOKEN,
      itaipuRepo: e.ITAIPU_REPO ?? 'nubank/itaipu',
      itaipuDatasetsFile: e.ITAIPU_DATASETS_FILE ?? 'src/main/scala/etl/itaipu/Itaipu.scala',
      auroraJobsRepo: e.AURORA_JOBS_REPO ?? 'nubank/aurora-jobs',
      auroraJobsDagFile: e.AURORA_JOBS_DAG_FILE ?? 'airflow/main.py',
    },
    policyModels: e.POLICY_MODELS,
    cli: { sabespBin: e.SABESP_BIN ?? 'sabesp', nuBin: e.NU_BIN ?? 'nu', commandsFile: e.CLI_COMMANDS_FILE },
    datomic: { maxCapacity: e.DATOMIC_MAX_CAPACITY ?? 40_000, lookbackMs: e.DATOMIC_LOOKBACK ?? 3 * 3_600_000, watchMs: e.DATOMIC_WATCH ?? 5 * 60_000 },
    logLevel: e.LOG_LEVEL ?? 'info',
    file,
    oncall: {
      pagerduty: { url: (e.PAGERDUTY_API_URL ?? 'https://api.pagerduty.com').replace(/\/+$/, ''), token: e.PAGERDUTY_TOKEN },
      opsgenie: { url: (e.OPSGENIE_API_URL ?? 'https://api.opsgenie.com').replace(/\/+$/, ''), apiKey: e.OPSGENIE_API_KEY },
    },
  };
}

/** Values that must never appear in logs or messages. */
export function secretsOf(config: Config): string[] {
  return [
    config.slack.botToken,
    config.slack.signingSecret,
    config.slack.appToken,
    config.sonar.token,
    config.airflow.password,
    config.gocd.token,
    config.github.token,
    config.oncall.pagerduty.token,
    config.oncall.opsgenie.apiKey,
  ].filter((s): s is string => typeof s === 'string' && s.length >= 4);
}
