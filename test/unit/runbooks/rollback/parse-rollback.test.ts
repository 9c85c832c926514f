import { parseRollback } from '../../../../src/runbooks/rollback';

const ok = (text: string) => parseRollback(text.split(' ').filter(Boolean));

describe('parseRollback', () => {
  it('reads a service, repeated shards, --to and --in-place (also as --flag=value)', () => {
    expect(ok('metapod')).toEqual({ ok: true, value: { service: 'metapod', shards: [], to: undefined, inPlace: false } });
    expect(ok('Correnteza --shard s0 --shard=S1 --shard s0 --to 6C957ED --in-place')).toEqual({
      ok: true,
      value: { service: 'correnteza', shards: ['s0', 's1'], to: '6c957ed', inPlace: true },
    });
    expect(ok('metapod --to=6c957ed851d82103e2b151b04aa8a5ede042c3c5')).toMatchObject({ ok: true, value: { to: '6c957ed851d82103e2b151b04aa8a5ede042c3c5' } });
  });

  it.each([
    ['', 'Give the service, like `metapod`.'],
    ['metapod --to 6c957e', '`6c957e` is not a commit SHA: give 7 to 40 hexadecimal characters, like `6c957ed` (what `git rev-parse --short` prints).'],
    ['metapod --to 6c957edz', '`6c957edz` is not a commit SHA: give 7 to 40 hexadecimal characters, like `6c957ed` (what `git rev-parse --short` prints).'],
    ['metapod --to', '`--to` needs a value: the version.'],
    ['metapod --to abcdef1 --to abcdef2', '`--to` is given twice: give one version.'],
    ['metapod --shard --in-place', '`--shard` needs a value: the shard.'],
    ['metapod --shard global', '`global` is not a shard: leave out `--shard` to roll back a global service.'],
    ['metapod --shard s_0', '`s_0` is not a shard name (lowercase letters, digits and dashes, like `s0`).'],
    ['metapod correnteza', 'Unexpected word after the service: `correnteza`.'],
    ['metapod --force', 'Unknown option `--force`: use `--shard`, `--to` or `--in-place`.'],
    ['metapod --in-place=yes', '`--in-place` takes no value.'],
    ['metapod --shard s0 --shard global', '`global` is not a shard: leave out `--shard` to roll back a global service.'],
    ['meta<pod>', '`meta&lt;pod&gt;` is not a service name (lowercase letters, digits and dashes, like `metapod`).'],
  ])('%j -> %s', (text, error) => {
    expect(ok(text)).toEqual({ ok: false, error });
  });
});
