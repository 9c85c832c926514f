import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { dockerInstructions, finalStage, runCommands, type Instruction } from '../support/dockerfile-instructions';

// No Docker engine on CI machines: the image cannot be built here, so its runtime stage is checked
// instruction by instruction (and `dockerfile-utils lint` runs in .ci/run).
const runtime = finalStage(dockerInstructions(readFileSync(join(__dirname, '..', '..', 'Dockerfile'), 'utf8')));
const all = (keyword: string): Instruction[] => runtime.filter((i) => i.keyword === keyword);
const index = (i: Instruction | undefined): number => (i ? runtime.indexOf(i) : -1);
const commands = all('RUN').flatMap(runCommands);

describe('the Docker image', () => {
  it('runs node under tini, installed from Debian, so the CLIs the bot spawns are reaped and SIGTERM reaches node', () => {
    expect(commands).toContainEqual(['apt-get', 'install', '-y', '--no-install-recommends', 'tini']);
    expect(all('ENTRYPOINT').at(-1)?.exec).toEqual(['/usr/bin/tini', '--']);
    expect(all('CMD').at(-1)?.exec).toEqual(['node', 'dist/main.js']);
  });

  it('runs as node, and the application files belong to root with no write bit for anyone else', () => {
    const user = all('USER').at(-1);
    expect(user?.args).toBe('node');
    for (const copy of all('COPY')) expect(copy.flags.chown ?? 'root').toMatch(/^(root|0)(:(root|0))?$/);
    const chown = commands.find((c) => c[0] === 'chown' && c.includes('/app'));
    const chmod = commands.find((c) => c[0] === 'chmod' && c.includes('/app'));
    expect(chown).toEqual(['chown', '-R', 'root:root', '/app']);
    // u=rwX,go=rX: the owner (root) may write, group and others (node) only read and traverse.
    expect(chmod).toEqual(['chmod', '-R', 'u=rwX,go=rX', '/app']);
    // Both happen before the switch to node, and the only thing node owns is the data volume.
    const fixRun = runtime.find((i) => i.keyword === 'RUN' && runCommands(i).some((c) => c[0] === 'chmod'));
    expect(index(fixRun)).toBeLessThan(index(user));
    expect(commands.filter((c) => c[0] === 'chown' && c[1]?.startsWith('node'))).toEqual([['chown', 'node:node', '/data']]);
    expect(all('VOLUME')[0]?.exec).toEqual(['/data']);
  });
});

describe('dockerInstructions', () => {
  it('joins continuations, skips comments inside them, and reads flags and the exec form', () => {
    const parsed = dockerInstructions(
      '# syntax=docker/dockerfile:1\nFROM a AS b\nRUN one \\\n# a comment\n  && two\n\nCOPY --from=b --chown=node:node x y\nCMD ["node", "x.js"]\nUSER node',
    );
    expect(parsed.map((i) => i.keyword)).toEqual(['FROM', 'RUN', 'COPY', 'CMD', 'USER']);
    expect(parsed[1]).toMatchObject({ args: 'one && two', line: 3 });
    expect(runCommands(parsed[1]!)).toEqual([['one'], ['two']]);
    expect(parsed[2]).toMatchObject({ flags: { from: 'b', chown: 'node:node' }, args: 'x y' });
    expect(parsed[3]!.exec).toEqual(['node', 'x.js']);
    expect(finalStage(parsed).map((i) => i.keyword)).toEqual(['FROM', 'RUN', 'COPY', 'CMD', 'USER']);
  });
});
