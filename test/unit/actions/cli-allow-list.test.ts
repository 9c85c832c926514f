import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CliAllowList, CliInputError, loadAllowList } from '../../../src/actions/cli/allow-list';
import { DEFAULT_COMMANDS } from '../../../src/actions/cli/commands';

const TX = 'f7832a01-001b-56f7-a4fe-b3a417f8f654';

describe('the CLI allow-list', () => {
  const list = new CliAllowList();

  it('fills the runbook commands exactly, one argv word per template word', () => {
    expect(list.prepare('cycle-machines', {}).args).toEqual([
      'ser',
      'cycle',
      'mesos-on-demand',
      '--env',
      'cantareira',
      '--suffix',
      'stable',
      '--region',
      'us-east-1',
    ]);
    expect(list.prepare('cycle-machines', {})).toMatchObject({ bin: 'nu', risk: 'destructive' });
    expect(list.prepare('dagao-retry', { transaction: TX.toUpperCase() })).toMatchObject({
      bin: 'sabesp',
      risk: 'mutating',
      args: ['--verbose', '--aurora-stack=cantareira-stable', 'jobs', 'create', 'prod', 'dagao', '--filename', 'dagao', `profile.metapod_transaction=${TX}`],
    });
    expect(list.prepare('scale-cluster', { nodes: 40 }).args).toEqual([
      '--aurora-stack=cantareira-stable',
      'jobs',
      'create',
      'prod',
      'scale',
      '--job-version',
      'scale_cluster=4945885',
      'MODE=on-demand',
      'N_NODES=40',
      'SCALE_TIMEOUT=0',
    ]);
    expect(list.prepare('aurora-status', { job: 'itaipu-rest' }).args).toEqual(['--aurora-stack=cantareira-stable', 'jobs', 'status', 'prod', 'itaipu-rest']);
  });

  const hostile: [string, Record<string, string | number>][] = [
    ['dagao-retry', { transaction: '; rm -rf /' }],
    ['dagao-retry', { transaction: `${TX}; rm -rf /` }],
    ['dagao-retry', { transaction: '$(id)' }],
    ['dagao-retry', { transaction: `${TX}\nid` }],
    ['aurora-status', { job: '$(id)' }],
    ['aurora-status', { job: 'dagao\n--help' }],
    ['aurora-status', { job: '--help' }],
    ['aurora-kill', { job: 'a'.repeat(10 * 1024) }],
    ['scale-cluster', { nodes: -3 }],
    ['scale-cluster', { nodes: '0' }],
    ['scale-cluster', { nodes: 201 }],
    ['scale-cluster', { nodes: '4 ; reboot' }],
    ['scale-cluster', { nodes: '1e3' }],
    ['scale-cluster', { nodes: 5, version: 'x y' }],
    ['scale-cluster', { nodes: 5, extra: 'x' }],
    ['not-a-command', {}],
  ];
  it.each(hostile)('refuses %s with %j', (name, values) => {
    expect(() => list.prepare(name, values)).toThrow(CliInputError);
  });

  it('says which parameter is wrong and why, without echoing a huge value', () => {
    expect(() => list.prepare('scale-cluster', { nodes: -3 })).toThrow('The value for nodes must be between 1 and 200.');
    const err = (() => {
      try {
        list.prepare('aurora-kill', { job: 'a'.repeat(10 * 1024) });
      } catch (e) {
        return e as Error;
      }
    })();
    expect(err?.message.length).toBeLessThan(200);
  });

  it('refuses a template that uses an undeclared parameter', () => {
    expect(() => new CliAllowList([{ ...DEFAULT_COMMANDS[0]!, argv: ['ser', '{who}'] }])).toThrow(/uses \{who\}/);
  });
});

describe('CLI_COMMANDS_FILE', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'cli-file-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const write = (content: unknown): string => {
    const path = join(dir, 'commands.json');
    writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
    return path;
  };

  it('adjusts the argv and timeout of an aurora entry', () => {
    const list = loadAllowList(write({ commands: { 'aurora-status': { argv: ['--aurora-stack=other', 'job', 'show', '{job}'], timeout: '30s' } } }));
    expect(list.prepare('aurora-status', { job: 'dagao' })).toMatchObject({ args: ['--aurora-stack=other', 'job', 'show', 'dagao'], timeoutMs: 30_000 });
    // Validation of values still applies to the adjusted entry.
    expect(() => list.prepare('aurora-status', { job: '$(id)' })).toThrow(CliInputError);
  });

  it('names every problem at once: unknown command, fixed command, bad placeholder, bad timeout, bad JSON', () => {
    const path = write({
      commands: {
        'aurora-nuke': { argv: ['x'] },
        'dagao-retry': { argv: ['jobs', 'create'] },
        'aurora-kill': { argv: ['jobs', 'kill', '{job}', '{signal}'], timeout: 'soon' },
      },
    });
    let message = '';
    try {
      loadAllowList(path);
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toMatch(/aurora-nuke: there is no such command/);
    expect(message).toMatch(/dagao-retry: this command is fixed by the runbook/);
    expect(message).toMatch(/aurora-kill\.argv uses \{signal\}/);
    expect(message).toMatch(/aurora-kill\.timeout: must be a duration/);
    expect(() => loadAllowList(write('{ not json'))).toThrow(/could not read .* as JSON/);
    expect(() => loadAllowList(write({ commands: { 'aurora-list': { argv: [], shell: true } } }))).toThrow(/CLI_COMMANDS_FILE/);
    expect(() => loadAllowList(join(dir, 'missing.json'))).toThrow(/could not read/);
  });
});
