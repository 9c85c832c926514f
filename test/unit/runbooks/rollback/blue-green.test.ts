import type { GoCdRun } from '../../../../src/actions/gocd/gocd-actions';
import { describeResourceChanges, liveAndIdle, parameterDiff, readBlueGreen } from '../../../../src/runbooks/rollback/blue-green';
import { chooseTarget, describeBuilds } from '../../../../src/runbooks/rollback/target';

const run = (counter: number, sha: string, state: GoCdRun['state'] = 'passed'): GoCdRun => ({
  pipeline: 'metapod',
  counter,
  label: String(counter),
  commit: { revision: sha, author: 'A <a@x>', message: `m${counter}` },
  commits: [],
  state,
  stages: [],
});
const full = (c: string): string => c.repeat(40);
// Newest first, as GoCD lists them.
const HISTORY = [
  run(44, full('e'), 'running'),
  run(43, full('d'), 'failed'),
  run(42, full('c')),
  run(41, full('b')),
  run(40, full('a'), 'failed'),
  run(39, full('9')),
];

describe('blue/green parameters', () => {
  it('finds the colors, whichever count name the template uses, and which one is live', () => {
    const bg = readBlueGreen('s', { BlueVersion: 'aaaaaaa', BlueDesiredCapacity: '0', GreenVersion: 'bbbbbbb', GreenDesiredCapacity: '4' });
    expect(bg.Green).toEqual({ color: 'Green', versionKey: 'GreenVersion', countKey: 'GreenDesiredCapacity', version: 'bbbbbbb', count: 4 });
    const { live, idle } = liveAndIdle('s', bg);
    expect([live.color, idle.color]).toEqual(['Green', 'Blue']);
  });

  it('refuses templates without Blue/Green parameters, counts that are not numbers, and half-done deploys', () => {
    expect(() => readBlueGreen('prod-global-k-x', { Version: 'a', Count: '1' })).toThrow(/Stack `prod-global-k-x` has no Blue\/Green parameters/);
    expect(() => readBlueGreen('s', { BlueVersion: 'a', BlueInstanceCount: 'three', GreenVersion: 'b', GreenInstanceCount: '0' })).toThrow(
      'Stack `s`: `BlueInstanceCount` is `three`, not a number of instances.',
    );
    const both = readBlueGreen('s', { BlueVersion: 'a', BlueInstanceCount: '2', GreenVersion: 'b', GreenInstanceCount: '2' });
    expect(() => liveAndIdle('s', both)).toThrow(/Both colors of `s` have instances .* A deploy or rollback is half done/);
    const none = readBlueGreen('s', { BlueVersion: 'a', BlueInstanceCount: '0', GreenVersion: 'b', GreenInstanceCount: '0' });
    expect(() => liveAndIdle('s', none)).toThrow(/Neither color/);
  });

  it('renders parameter diffs and resource changes with replacements flagged', () => {
    expect(parameterDiff({ GreenVersion: 'a', GreenInstanceCount: '0' }, { GreenVersion: 'b', GreenInstanceCount: '3' })).toBe(
      'GreenVersion        a -> b\nGreenInstanceCount  0 -> 3',
    );
    expect(
      describeResourceChanges([
        { action: 'Modify', logicalId: 'LC', resourceType: 'T', replacement: 'True', scope: [] },
        { action: 'Modify', logicalId: 'ASG', resourceType: 'U', replacement: 'Conditional', scope: [] },
        { action: 'Add', logicalId: 'X', resourceType: 'V', scope: [] },
      ]),
    ).toBe('Modify LC (T)  !! REPLACEMENT\nModify ASG (U)  !! replacement possible\nAdd X (V)');
    expect(describeResourceChanges([])).toBe('(no resource changes)');
  });
});

describe('choosing the build to roll back to', () => {
  it('proposes the newest passed build older than the newest deployed one', () => {
    expect(chooseTarget(HISTORY, ['ccccccc'], 'metapod')).toMatchObject({
      short: 'bbbbbbb',
      full: full('b'),
      counter: 41,
      why: 'the newest passed build older than the deployed build #42',
    });
    // Failed builds are skipped; with shards on different versions the newest deployed one counts.
    expect(chooseTarget(HISTORY, ['bbbbbbb', 'ccccccc'], 'metapod')).toMatchObject({ short: '9999999', counter: 39 });
  });

  it('takes --to as given (short or full), and says when it is not in the history', () => {
    expect(chooseTarget(HISTORY, ['ccccccc'], 'metapod', 'aaaaaaa')).toMatchObject({ short: 'aaaaaaa', counter: 40 });
    expect(chooseTarget(HISTORY, ['ccccccc'], 'metapod', '1234567')).toEqual({
      short: '1234567',
      full: undefined,
      why: 'asked for with --to; not among the last 6 builds of `metapod`, so check it was built',
    });
  });

  it('refuses when the deployed version is unknown or nothing older passed', () => {
    expect(() => chooseTarget(HISTORY, ['fffffff'], 'metapod')).toThrow(
      'The deployed version (`fffffff`) is not among the last 6 builds of GoCD pipeline `metapod`, so I cannot tell which build came before it. Give the version with `--to <sha>`.',
    );
    expect(() => chooseTarget(HISTORY, ['9999999'], 'metapod')).toThrow(/No passed build of `metapod` older than the deployed one \(build #39\)/);
  });

  it('lists builds as build-number:full-SHA with the author and message, marking deployed and target', () => {
    const target = chooseTarget(HISTORY, ['ccccccc'], 'metapod');
    expect(describeBuilds(HISTORY, ['ccccccc'], target, 4).split('\n')).toEqual([
      `#44:${full('e')} running  A <a@x>: m44`,
      `#43:${full('d')} failed  A <a@x>: m43`,
      `#42:${full('c')} passed  A <a@x>: m42  <- deployed`,
      `#41:${full('b')} passed  A <a@x>: m41  <- target`,
    ]);
  });
});
