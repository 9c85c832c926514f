import { ConfigError, loadConfig } from '../../src/config';

describe('configuration of the CLIs and the dagão', () => {
  it('defaults: sabesp and nu on PATH, no commands file, itaipu and aurora-jobs as the dagão pipelines', () => {
    const config = loadConfig({});
    expect(config.cli).toEqual({ sabespBin: 'sabesp', nuBin: 'nu', commandsFile: undefined });
    expect(config.gocd.dagaoPipelines).toEqual(['itaipu', 'aurora-jobs']);
    expect(config.airflow.dagaoDagId).toBe('dagao');
  });

  it('reads CLI_COMMANDS_FILE and DAGAO_PIPELINES', () => {
    const config = loadConfig({ CLI_COMMANDS_FILE: '/etc/runbook-bot/commands.json', DAGAO_PIPELINES: 'itaipu, common-etl' });
    expect(config.cli.commandsFile).toBe('/etc/runbook-bot/commands.json');
    expect(config.gocd.dagaoPipelines).toEqual(['itaipu', 'common-etl']);
  });

  it('names a bad pipeline list', () => {
    expect(() => loadConfig({ DAGAO_PIPELINES: 'itaipu,rm -rf' })).toThrow(ConfigError);
    expect(() => loadConfig({ DAGAO_PIPELINES: 'itaipu,rm -rf' })).toThrow(/DAGAO_PIPELINES: 1 entry is not pipeline names/);
  });
});
