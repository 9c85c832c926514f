import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { startSlackEmulator } from '../../src/sandbox/fakes/slack-api';
import { waitFor } from '../support/wait-for';

const ROOT = join(__dirname, '..', '..');

/** Runs `src/main.ts` as `npm start` would, with only the given environment. */
function runMain(env: Record<string, string>) {
  const result = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'src', 'main.ts')], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    encoding: 'utf8',
    timeout: 20_000,
  });
  return { status: result.status, stderr: result.stderr, stdout: result.stdout };
}

describe('starting the bot (main)', () => {
  it('without Slack credentials: starts the local sandbox, says how to connect to Slack, stops cleanly on SIGTERM', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'src', 'main.ts')], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', PORT: '0' },
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    try {
      const page = await waitFor(() => /Open (http:\/\/127\.0\.0\.1:\d+\/)/.exec(out)?.[1], { timeoutMs: 20_000, what: 'the sandbox URL' });
      const res = await fetch(page);
      expect(res.status).toBe(200);
      expect(await res.text()).toContain('runbook sandbox');
      for (const name of ['SLACK_BOT_TOKEN', 'SLACK_SIGNING_SECRET', 'SLACK_APP_TOKEN', 'METAPOD_URL']) expect(out).toContain(name);
      expect(out).toContain('https://api.slack.com/apps');
      expect(out).toContain('manifest.yml');
      expect(out).not.toMatch(/\n\s+at /);
    } finally {
      if (child.exitCode === null) child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
  });

  it('without Slack credentials in production (NODE_ENV=production): explains what to set and where, exits 1', () => {
    const { status, stderr } = runMain({ NODE_ENV: 'production' });
    expect(status).toBe(1);
    for (const name of ['SLACK_BOT_TOKEN', 'SLACK_SIGNING_SECRET', 'SLACK_APP_TOKEN', 'METAPOD_URL']) expect(stderr).toContain(name);
    expect(stderr).toContain('https://api.slack.com/apps');
    expect(stderr).toContain('manifest.yml');
    expect(stderr).not.toMatch(/sandbox:/);
    expect(stderr).not.toMatch(/\n\s+at /);
  });

  it('with invalid settings: one message naming every bad variable, exits 1, never echoes a secret', () => {
    const secret = 'super-secret-signing-value';
    const { status, stderr } = runMain({
      SLACK_BOT_TOKEN: 'xoxp-user-token-value',
      SLACK_SIGNING_SECRET: `${secret} with spaces`,
      PORT: 'eighty',
      APPROVAL_TTL: 'soon',
    });
    expect(status).toBe(1);
    expect(stderr).toMatch(/^Invalid configuration:/);
    for (const name of ['SLACK_BOT_TOKEN', 'SLACK_SIGNING_SECRET', 'PORT', 'APPROVAL_TTL']) expect(stderr).toContain(`- ${name}:`);
    expect(stderr).not.toContain(secret);
    expect(stderr).not.toContain('xoxp-user-token-value');
    expect(stderr).not.toMatch(/\n\s+at /);
  });

  it('with Slack unreachable: one clear line, exits 1', () => {
    // Nothing listens on port 9.
    const { status, stderr } = runMain({
      SLACK_BOT_TOKEN: 'xoxb-1',
      SLACK_SIGNING_SECRET: 'abcdefgh12',
      SLACK_API_URL: 'http://127.0.0.1:9/api/',
      DATABASE_PATH: ':memory:',
      PORT: '0',
      HOST: '127.0.0.1',
    });
    expect(status).toBe(1);
    expect(stderr).toMatch(/runbook-bot could not start: Could not reach Slack at SLACK_API_URL/);
    expect(stderr).not.toMatch(/\n\s+at /);
  });

  it('with a token Slack rejects: says so and where to copy the right one, exits 1', async () => {
    const slack = await startSlackEmulator();
    slack.failNext('auth.test', 'invalid_auth');
    try {
      const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'src', 'main.ts')], {
        cwd: ROOT,
        env: {
          PATH: process.env.PATH ?? '',
          SLACK_BOT_TOKEN: 'xoxb-revoked',
          SLACK_SIGNING_SECRET: 'abcdefgh12',
          SLACK_API_URL: slack.apiUrl,
          DATABASE_PATH: ':memory:',
          PORT: '0',
          HOST: '127.0.0.1',
        },
      });
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      const status = await new Promise<number | null>((resolve) => child.once('exit', resolve));
      expect(status).toBe(1);
      expect(stderr).toContain('runbook-bot could not start: Slack rejected SLACK_BOT_TOKEN (invalid_auth)');
      expect(stderr).toContain('OAuth & Permissions');
      expect(slack.callsTo('auth.test')).toHaveLength(1);
    } finally {
      await slack.close();
    }
  });
});
