import { undefinedNames } from '../../../src/runbooks/build-failure/code/python-scopes';
import { syntaxProblems, withTree } from '../../../src/runbooks/build-failure/code/grammars';

const undefinedIn = (source: string): Promise<Record<string, number[]>> => withTree('python', source, (root) => Object.fromEntries(undefinedNames(root)));

describe('names used but not defined', () => {
  it('knows builtins, imports, defs, classes, parameters, for targets, with/except as, walrus, comprehension and lambda variables', async () => {
    const source = [
      'import os.path',
      'from airflow import DAG as Dag, models',
      'from x import (y, z as w)',
      'class C(Base):',
      '    a = 1',
      '    b = a + 1',
      'def f(p, *args, q: int = 1, **kw) -> C:',
      '    return p + q + len(args) + kw.get(os.sep) + w + y',
      'for i, (j, k) in enumerate([]):',
      '    print(i, j, k)',
      "with Dag('d') as dag:",
      '    squares = [n * n for n in range(3) if n]',
      '    table = {key: value for key, value in {}.items()}',
      'try:',
      '    pass',
      'except ValueError as err:',
      '    print(err)',
      'if (m := 3) > 2:',
      '    g = lambda v, u=m: v + u',
      'print(f"{dag} {squares} {table} {g} {models} {__file__}")',
    ].join('\n');
    expect(await undefinedIn(source)).toEqual({ Base: [4] });
  });
  it('reports names defined nowhere, class attributes read from methods, and comprehension variables read outside', async () => {
    const source = ['class C:', '    a = 1', '    def m(self):', '        return a', 'xs = [n for n in range(3)]', 'print(n, missing, missing)'].join('\n');
    expect(await undefinedIn(source)).toEqual({ a: [4], n: [6], missing: [6, 6] });
  });
  it('resolves global and nonlocal declarations and names bound later in the module (functions run later)', async () => {
    const source = [
      'def f():',
      '    global counter',
      '    counter = 1',
      '    return later',
      'def g():',
      '    x = 1',
      '    def h():',
      '        nonlocal x',
      '        x = 2',
      '    return h',
      'later = f()',
      'print(counter)',
    ].join('\n');
    expect(await undefinedIn(source)).toEqual({});
  });
});

describe('syntax problems', () => {
  it('names ERROR and MISSING nodes with their line, and none for a clean file', async () => {
    expect(await withTree('python', 'a = [1,\n', (root) => syntaxProblems(root))).not.toEqual([]);
    expect(await withTree('python', 'def f(:\n    pass\n', (root) => syntaxProblems(root)[0])).toMatchObject({ line: 1 });
    expect(await withTree('python', 'a = 1\nb = a >> [a]\n', (root) => syntaxProblems(root))).toEqual([]);
    expect(await withTree('scala', 'object A { val x = Seq(1, 2,\n', (root) => syntaxProblems(root).length)).toBeGreaterThan(0);
  });
});
