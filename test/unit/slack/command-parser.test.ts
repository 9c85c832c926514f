import { createRunbooks } from '../../../src/runbooks/index';
import { allUsage, MAX_COMMAND_LENGTH, parseCommand, type Command } from '../../../src/slack/command-parser';
import { FakeMetapod, UUID } from '../builders';

const runbooks = createRunbooks({ metapod: new FakeMetapod() });
const parse = (text: string) => parseCommand(text, runbooks);

/** Asserts the command is invalid and returns its error, checking the reply is usable and safe. */
function invalid(text: string): { error: string; usage: string[] } {
  const command: Command = parse(text);
  if (command.kind !== 'invalid') throw new Error(`expected invalid for ${JSON.stringify(text.slice(0, 80))}, got ${JSON.stringify(command)}`);
  expect(command.error.trim()).not.toBe('');
  expect(command.usage.length).toBeGreaterThan(0);
  for (const line of command.usage) expect(line).toMatch(/^\/runbook /);
  expect(command.error).not.toMatch(/[<>]/);
  expect(command.error.length).toBeLessThan(200);
  // Backticks come in pairs, so echoed text cannot break out of its code quote.
  expect((command.error.match(/`/g) ?? []).length % 2).toBe(0);
  return command;
}

describe('parseCommand: help', () => {
  it('lists every available usage line', () => {
    const command = parse('help');
    expect(command).toEqual({ kind: 'help', usage: allUsage(runbooks) });
    expect(allUsage(runbooks).join('\n')).toMatch(/\/runbook retract <attribute\|indexed-attribute\|committed-dataset> <id>/);
    expect(allUsage(runbooks).join('\n')).toMatch(/\/runbook status <operation-id>/);
  });

  it('help retract shows only the retract usage, then each field by label with its help and an example', () => {
    const command = parse('help retract');
    if (command.kind !== 'help') throw new Error(`expected help, got ${command.kind}`);
    expect(command.usage[0]).toMatch(/^\/runbook retract <attribute\|indexed-attribute\|committed-dataset> <id> \[--tx <transaction>\]$/);
    expect(command.usage.join('\n')).toMatch(/<id> +the UUID of what to retract/);
    expect(command.usage.join('\n')).toContain('Example: /runbook retract committed-dataset 5f2c0a4e-8d1b-4c3a-9f6e-1b2c3d4e5f60');
    expect(command.usage.filter((l) => l.startsWith('/runbook '))).toHaveLength(1);
  });

  it('lists a runbook whose adapters are missing, pointing to its help, which says what to set', () => {
    expect(allUsage(runbooks).join('\n')).toMatch(/\/runbook rollback <service>.*\(not configured: see \/runbook help rollback\)/);
    const command = parse('help rollback');
    expect(command.kind === 'help' && command.usage.join('\n')).toMatch(
      /Not available: `\/runbook rollback` is disabled: no CloudFormation client is configured.*`GOCD_URL` is not configured/,
    );
  });

  it('help of an unknown topic says so and shows the full usage', () => {
    expect(parse('help bogus')).toEqual({ kind: 'invalid', error: 'There is no help topic `bogus`.', usage: allUsage(runbooks) });
  });
});

describe('parseCommand: status', () => {
  it('status alone lists recent operations', () => {
    expect(parse('status')).toEqual({ kind: 'status' });
    expect(parse('  Status  ')).toEqual({ kind: 'status' });
  });

  it('status <id> names one operation, lower-cased', () => {
    expect(parse('status op-abcd2345')).toEqual({ kind: 'status', operationId: 'op-abcd2345' });
    expect(parse('status OP-ABCD2345')).toEqual({ kind: 'status', operationId: 'op-abcd2345' });
  });

  it.each(['bogus', 'op-abc', 'op-abcd23456', 'op_abcd2345', 'op-abcd234!'])('status %s is not an operation id', (id) => {
    const { error, usage } = invalid(`status ${id}`);
    expect(error).toMatch(/is not an operation id/);
    expect(usage.join('\n')).toMatch(/status <operation-id>/);
  });

  it('refuses extra words after the id', () => {
    expect(invalid('status op-abcd2345 extra').error).toBe('Unexpected words after the operation id: `extra`.');
  });
});

describe('parseCommand: retract', () => {
  it.each(['committed-dataset', 'attribute', 'indexed-attribute'] as const)('parses retract %s <uuid>', (kind) => {
    expect(parse(`retract ${kind} ${UUID}`)).toEqual({ kind: 'runbook', runbook: 'retract', input: { kind, id: UUID } });
  });

  it('accepts an upper-case UUID and lower-cases it', () => {
    expect(parse(`retract committed-dataset ${UUID.toUpperCase()}`)).toEqual({
      kind: 'runbook',
      runbook: 'retract',
      input: { kind: 'committed-dataset', id: UUID },
    });
  });

  it('tolerates extra whitespace between words', () => {
    expect(parse(`  retract \t committed-dataset   ${UUID}  `)).toMatchObject({ kind: 'runbook', input: { id: UUID } });
  });

  it('explains an unknown kind and lists the valid ones', () => {
    const { error, usage } = invalid(`retract dataset ${UUID}`);
    expect(error).toBe('Unknown kind `dataset`: use `attribute`, `indexed-attribute`, `committed-dataset`.');
    expect(usage).toEqual([expect.stringMatching(/^\/runbook retract /)]);
  });

  it('explains a non-UUID id', () => {
    expect(invalid('retract attribute 12345').error).toMatch(/^`12345` is not a UUID/);
  });

  it('asks for the id when it is missing', () => {
    expect(invalid('retract committed-dataset').error).toBe('Give the id, like `5f2c0a4e-8d1b-4c3a-9f6e-1b2c3d4e5f60`.');
  });

  it('asks for a kind and an id when both are missing', () => {
    expect(invalid('retract').error).toBe('Give the kind: `attribute`, `indexed-attribute`, `committed-dataset`.');
  });

  it('refuses extra words after the id, and options it does not take', () => {
    expect(invalid(`retract attribute ${UUID} now please`).error).toBe('Unexpected words after the id: `now please`.');
    expect(invalid(`retract attribute ${UUID} --force`).error).toBe('Unknown option `--force`: use `--tx`.');
    expect(invalid(`retract attribute ${UUID} --tx ${UUID}`).error).toBe(
      '`--tx` names the transaction of a committed dataset; it does not apply to an attribute.',
    );
  });
});

describe('parseCommand: malformed and hostile input', () => {
  it.each([
    ['empty text', '', /No subcommand/],
    ['whitespace only', ' \t \n ', /No subcommand/],
    ['10 kB of text', 'retract '.repeat(1280), /too long: commands are at most 500 characters, this one has 10240\./],
    ['unknown subcommand', 'deploy everything', /^Unknown subcommand `deploy`/],
    ['unicode hyphen in the UUID', 'retract committed-dataset 5f2c0a4e\u20108d1b-4c3a-9f6e-1b2c3d4e5f60', /is not a UUID/],
    ['emoji kind', `retract 🔥 ${UUID}`, /^Unknown kind `🔥`/],
    ['quoted UUID', `retract committed-dataset "${UUID}"`, /is not a UUID/],
    ['shell substitution', '$(rm -rf /)', /^Unknown subcommand `\$\(rm`/],
    ['shell substitution as id', 'retract attribute $(rm -rf /)', /is not a UUID/],
    ['backticks', 'retract attribute `whoami`', /^`'whoami'` is not a UUID/],
    ['<!channel> as subcommand', '<!channel>', /^Unknown subcommand `&lt;!channel&gt;`/],
    ['<!channel> as kind', `retract <!channel> ${UUID}`, /`&lt;!channel&gt;`/],
    ['user mention as id', 'retract attribute <@U123>', /^`&lt;@U123&gt;` is not a UUID/],
    ['mention as status id', 'status <@U123|alice>', /^`&lt;@U123|alice&gt;` is not an operation id/],
    ['link injection', 'retract attribute <https://evil.example|click>', /is not a UUID/],
  ])('%s is invalid with a clear error', (_what, text, expected) => {
    expect(invalid(text).error).toMatch(expected);
  });

  it('treats a command of exactly the maximum length like any other', () => {
    const text = `status ${'x'.repeat(MAX_COMMAND_LENGTH - 7)}`;
    expect(text).toHaveLength(MAX_COMMAND_LENGTH);
    expect(invalid(text).error).toMatch(/is not an operation id/);
  });

  it('shortens long echoed input', () => {
    const { error } = invalid(`retract attribute ${'a'.repeat(400)}`);
    expect(error).toContain(`\`${'a'.repeat(40)}…\``);
    expect(error).not.toContain('a'.repeat(41));
  });

  it('never echoes a raw mention, even after shortening', () => {
    const { error } = invalid(`retract attribute ${'x'.repeat(35)}<!channel>`);
    expect(error).not.toContain('<!');
  });
});
