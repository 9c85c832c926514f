import { ConfigError, loadConfig, secretsOf } from '../../src/config';

const BOT = 'xoxb-1111-2222-abcdef';
const SECRET = 'signing-secret-0123456789';
const APP = 'xapp-1-A0-abcdef';

/** Runs loadConfig and returns the ConfigError it must throw. */
function configError(env: NodeJS.ProcessEnv): ConfigError {
  try {
    loadConfig(env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return err as ConfigError;
  }
  throw new Error('loadConfig accepted an invalid environment');
}

/** The variable names a ConfigError's problems mention. */
function namedVariables(err: ConfigError): string[] {
  return err.problems.map((p) => p.split(':')[0]!).sort();
}

describe('loadConfig: defaults', () => {
  it('runs unconfigured with every default when the environment is empty', () => {
    const config = loadConfig({});
    expect(config.slack).toMatchObject({ mode: 'unconfigured', apiUrl: 'https://slack.com/api/' });
    expect(config.slack.botToken).toBeUndefined();
    expect(config).toMatchObject({
      port: 3000,
      host: '0.0.0.0',
      runbookChannel: 'guild-data-eng',
      approvers: [],
      approvalTtlMs: 30 * 60_000,
      store: { kind: 'sqlite', databasePath: './data/runbook-bot.db' },
      logLevel: 'info',
    });
    expect(config.metapod.url).toBeUndefined();
  });

  it('treats empty strings as unset', () => {
    const config = loadConfig({ SLACK_BOT_TOKEN: '', SLACK_SIGNING_SECRET: '', PORT: '', METAPOD_URL: '', APPROVERS: '', STORE: '', APPROVAL_TTL: '' });
    expect(config.slack.mode).toBe('unconfigured');
    expect(config.port).toBe(3000);
    expect(config.metapod.url).toBeUndefined();
    expect(config.approvers).toEqual([]);
    expect(config.store.kind).toBe('sqlite');
    expect(config.approvalTtlMs).toBe(30 * 60_000);
  });
});

describe('loadConfig: Slack mode', () => {
  it('is http with a bot token and a signing secret', () => {
    const config = loadConfig({ SLACK_BOT_TOKEN: BOT, SLACK_SIGNING_SECRET: SECRET });
    expect(config.slack).toMatchObject({ mode: 'http', botToken: BOT, signingSecret: SECRET });
  });

  it('is socket when an app token is set (no signing secret needed)', () => {
    const config = loadConfig({ SLACK_BOT_TOKEN: BOT, SLACK_APP_TOKEN: APP });
    expect(config.slack).toMatchObject({ mode: 'socket', appToken: APP });
  });

  it('requires the signing secret with a bot token in HTTP mode', () => {
    const err = configError({ SLACK_BOT_TOKEN: BOT });
    expect(namedVariables(err)).toEqual(['SLACK_SIGNING_SECRET']);
    expect(err.code).toBe('invalid_config');
  });

  it('stays unconfigured with only an app token', () => {
    expect(loadConfig({ SLACK_APP_TOKEN: APP }).slack.mode).toBe('unconfigured');
  });
});

describe('loadConfig: values', () => {
  it.each([
    ['https://slack.example/api', 'https://slack.example/api/'],
    ['http://localhost:9999/api/', 'http://localhost:9999/api/'],
  ])('SLACK_API_URL %s always ends with a slash', (value, expected) => {
    expect(loadConfig({ SLACK_API_URL: value }).slack.apiUrl).toBe(expected);
  });

  it('reads PORT, HOST and LOG_LEVEL', () => {
    expect(loadConfig({ PORT: '8080', HOST: '127.0.0.1', LOG_LEVEL: 'debug' })).toMatchObject({ port: 8080, host: '127.0.0.1', logLevel: 'debug' });
  });

  it('strips the leading # of RUNBOOK_CHANNEL', () => {
    expect(loadConfig({ RUNBOOK_CHANNEL: '#data-oncall' }).runbookChannel).toBe('data-oncall');
    expect(loadConfig({ RUNBOOK_CHANNEL: 'C0123ABCD' }).runbookChannel).toBe('C0123ABCD');
  });

  it('splits APPROVERS on commas, trimming spaces and dropping empty entries', () => {
    expect(loadConfig({ APPROVERS: ' U0AAA1, W0BBB2 ,,S0CCC3 ' }).approvers).toEqual(['U0AAA1', 'W0BBB2', 'S0CCC3']);
  });

  it.each([
    ['90s', 90_000],
    ['30m', 1_800_000],
    ['2h', 7_200_000],
  ])('parses APPROVAL_TTL %s', (value, ms) => {
    expect(loadConfig({ APPROVAL_TTL: value }).approvalTtlMs).toBe(ms);
  });

  it('parses RUNNING_LEASE and METAPOD_TIMEOUT as durations', () => {
    const config = loadConfig({ RUNNING_LEASE: '45s', METAPOD_TIMEOUT: '2m' });
    expect(config.leaseMs).toBe(45_000);
    expect(config.metapod.timeoutMs).toBe(120_000);
  });

  it('removes trailing slashes from METAPOD_URL', () => {
    expect(loadConfig({ METAPOD_URL: 'https://metapod.example.test//' }).metapod.url).toBe('https://metapod.example.test');
    expect(loadConfig({ METAPOD_URL: 'http://localhost:8080/base/' }).metapod.url).toBe('http://localhost:8080/base');
  });

  it('reads DATABASE_PATH and accepts STORE=sqlite', () => {
    expect(loadConfig({ DATABASE_PATH: '/var/lib/bot.db', STORE: 'sqlite' }).store).toMatchObject({ kind: 'sqlite', databasePath: '/var/lib/bot.db' });
  });

  it('accepts STORE=dynamodb with its table, and refuses an unknown store', () => {
    expect(loadConfig({ STORE: 'dynamodb', STORE_TABLE: 'ops' }).store).toMatchObject({ kind: 'dynamodb', table: 'ops' });
    expect(namedVariables(configError({ STORE: 'postgres' }))).toEqual(['STORE']);
  });
});

describe('loadConfig: invalid variables', () => {
  it('refuses a user token as SLACK_BOT_TOKEN, and still asks for the signing secret it needs', () => {
    expect(namedVariables(configError({ SLACK_BOT_TOKEN: 'xoxp-user-token' }))).toEqual(['SLACK_BOT_TOKEN', 'SLACK_SIGNING_SECRET']);
  });

  it.each([
    ['SLACK_APP_TOKEN', 'xoxb-not-an-app-token'],
    ['SLACK_SIGNING_SECRET', 'has a space'],
    ['SLACK_API_URL', 'ftp://slack.example/api'],
    ['SLACK_RATE_LIMIT_SCALE', 'fast'],
    ['SLACK_RATE_LIMIT_SCALE', '0'],
    ['SLACK_RATE_LIMIT_SCALE', '5000'],
    ['PORT', 'eighty'],
    ['PORT', '70000'],
    ['PORT', '80.5'],
    ['HOST', 'not a host'],
    ['RUNBOOK_CHANNEL', '#has space'],
    ['APPROVERS', 'U0AAA1,alice'],
    ['APPROVAL_TTL', 'soon'],
    ['APPROVAL_TTL', '0s'],
    ['APPROVAL_TTL', '25h'],
    ['RUNNING_LEASE', '2h'],
    ['STORE', 'postgres'],
    ['METAPOD_URL', 'metapod.example.test'],
    ['METAPOD_URL', 'file:///etc/passwd'],
    ['METAPOD_TIMEOUT', '-5s'],
    ['SONAR_URL', 'not a url'],
    ['GITHUB_API_URL', 'javascript:alert(1)'],
    ['LOG_LEVEL', 'verbose'],
  ])('refuses %s=%s and names it', (name, value) => {
    expect(namedVariables(configError({ [name]: value }))).toEqual([name]);
  });

  it('names every bad variable at once', () => {
    const err = configError({ SLACK_BOT_TOKEN: 'xoxp-nope', PORT: 'eighty', METAPOD_URL: 'nope', APPROVAL_TTL: 'forever', LOG_LEVEL: 'loud' });
    expect(namedVariables(err)).toEqual(['APPROVAL_TTL', 'LOG_LEVEL', 'METAPOD_URL', 'PORT', 'SLACK_BOT_TOKEN', 'SLACK_SIGNING_SECRET']);
    for (const name of namedVariables(err)) expect(err.message).toContain(name);
  });

  it('never puts a secret value in the error message or problems', () => {
    const badBot = 'xoxp-RECOGNISABLE-BOT-9f8e7d';
    const badSecret = 'RECOGNISABLE SIGNING SECRET';
    const badApp = 'xoxb-RECOGNISABLE-APP-1a2b3c';
    const err = configError({ SLACK_BOT_TOKEN: badBot, SLACK_SIGNING_SECRET: badSecret, SLACK_APP_TOKEN: badApp, GITHUB_API_URL: 'ghp_RECOGNISABLE' });
    expect(namedVariables(err)).toEqual(['GITHUB_API_URL', 'SLACK_APP_TOKEN', 'SLACK_BOT_TOKEN', 'SLACK_SIGNING_SECRET']);
    const everything = `${err.message}\n${err.problems.join('\n')}\n${String(err.stack)}`;
    expect(everything).not.toMatch(/RECOGNISABLE/);
  });

  it('does not echo a valid secret when another variable is bad', () => {
    const err = configError({ SLACK_BOT_TOKEN: BOT, SLACK_SIGNING_SECRET: SECRET, PORT: 'x' });
    expect(err.message).not.toContain(BOT);
    expect(err.message).not.toContain(SECRET);
  });
});

describe('loadConfig: every bad variable at once, including cross-variable rules', () => {
  it('names the missing signing secret and the bad PORT together', () => {
    expect(namedVariables(configError({ SLACK_BOT_TOKEN: BOT, PORT: 'eighty' }))).toEqual(['PORT', 'SLACK_SIGNING_SECRET']);
  });

  it('names a bad STORE and a bad METAPOD_URL together', () => {
    expect(namedVariables(configError({ STORE: 'mysql', METAPOD_URL: 'nope' }))).toEqual(['METAPOD_URL', 'STORE']);
  });
});

describe('secretsOf', () => {
  it('lists every configured secret and nothing else', () => {
    const config = loadConfig({
      SLACK_BOT_TOKEN: BOT,
      SLACK_SIGNING_SECRET: SECRET,
      SLACK_APP_TOKEN: APP,
      SONAR_TOKEN: 'sonar-token-1',
      AIRFLOW_PASSWORD: 'airflow-pass',
      GOCD_TOKEN: 'gocd-token-1',
      GITHUB_TOKEN: 'ghp_token123',
      METAPOD_URL: 'https://metapod.example.test',
    });
    expect(secretsOf(config).sort()).toEqual([APP, BOT, SECRET, 'airflow-pass', 'ghp_token123', 'gocd-token-1', 'sonar-token-1'].sort());
  });

  it('is empty when nothing secret is configured', () => {
    expect(secretsOf(loadConfig({ METAPOD_URL: 'https://metapod.example.test' }))).toEqual([]);
  });
});
