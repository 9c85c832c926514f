import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig } from '../../../src/config';
import { ConfigFileError, parseConfigFile } from '../../../src/config-file/load';
import { DEFAULT_CONFIG_FILE } from '../../../src/config-file/schema';

function problemsOf(text: string): string[] {
  try {
    parseConfigFile(text, 'runbook-bot.yml');
  } catch (err) {
    if (err instanceof ConfigFileError) return err.problems;
    throw err;
  }
  throw new Error('parseConfigFile accepted an invalid file');
}

describe('runbook-bot.yml', () => {
  it('an empty file means the built-in defaults', () => {
    expect(parseConfigFile('')).toEqual(DEFAULT_CONFIG_FILE);
    expect(parseConfigFile('# only a comment\n')).toEqual(DEFAULT_CONFIG_FILE);
  });

  it('names the line and the key of an unknown key', () => {
    expect(problemsOf('version: 1\nalarms:\n  routes: []\n  rotues: []\n')).toEqual(['runbook-bot.yml:4 alarms: unknown key rotues']);
  });

  it('names the line of a wrong value and of a YAML syntax error', () => {
    expect(problemsOf('\n\nversion: 2\n')[0]).toMatch(/^runbook-bot\.yml:3 version: must be 1/);
    expect(problemsOf('alarms:\n  routes: [\n')[0]).toMatch(/^runbook-bot\.yml:\d+ /);
  });

  it('refuses duplicate keys instead of keeping the last one', () => {
    expect(problemsOf('version: 1\nversion: 1\n')[0]).toMatch(/^runbook-bot\.yml:2 .*[Mm]ap keys must be unique/);
  });

  it('loadConfig: an absent default file is fine, an absent RUNBOOK_CONFIG file stops the bot', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rb-config-'));
    expect(() => loadConfig({ RUNBOOK_CONFIG: join(dir, 'missing.yml') })).toThrow(ConfigError);
    const path = join(dir, 'runbook-bot.yml');
    writeFileSync(path, 'approvals:\n  polices: []\n');
    expect(() => loadConfig({ RUNBOOK_CONFIG: path })).toThrow(/RUNBOOK_CONFIG .*runbook-bot\.yml:2 approvals: unknown key polices/);
    writeFileSync(path, 'version: 1\n');
    expect(loadConfig({ RUNBOOK_CONFIG: path }).file).toEqual(DEFAULT_CONFIG_FILE);
  });
});
