/**
 * Property over every DAG fixture × every task in it (and a few names that are not tasks): whatever
 * the bot proposes parses, uses no name the original defined and the edit removed, no longer
 * mentions the model, keeps every other task and leaves the policy list as it was; or it refuses
 * with a reason. Deterministic: all fixtures, all tasks, no randomness.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readDagTasks } from '../../../src/runbooks/build-failure/code/dag-tasks';
import { stringLiterals } from '../../../src/runbooks/build-failure/code/dag-reader';
import { syntaxProblems, withTree } from '../../../src/runbooks/build-failure/code/grammars';
import { newlyUndefined, undefinedNames } from '../../../src/runbooks/build-failure/code/python-scopes';
import { parsePolicyModels, removeModel } from '../../../src/runbooks/build-failure/source-edits';

const DIR = join(__dirname, '../../fixtures/dags');
const FILES = [
  ...readdirSync(DIR)
    .filter((f) => f.endsWith('.py'))
    .map((f) => join(DIR, f)),
  join(__dirname, '../../fixtures/aurora-jobs-main.py'),
];
/** Names that are in some fixtures without being tasks there (or anywhere). */
const NOT_TASKS = ['savings', 'churn', 'dagao', 'model', 'total', 'nonexistent'];

const cases = FILES.map((file) => [file.split('/').pop()!, file] as const);

describe('every bot-made edit of every fixture', () => {
  let edits = 0;
  let refusals = 0;
  afterAll(() => {
    // The property must have been exercised both ways, or it proves nothing.
    expect(edits).toBeGreaterThan(30);
    expect(refusals).toBeGreaterThan(15);
  });

  it.each(cases)('%s', async (_name, file) => {
    const source = readFileSync(file, 'utf8');
    const tasks = await readDagTasks(source);
    expect(tasks.length).toBeGreaterThan(0);
    const before = await withTree('python', source, (root) => undefinedNames(root));
    const policy = await parsePolicyModels(source);
    for (const model of [...new Set([...tasks.map((t) => t.taskId), ...NOT_TASKS])]) {
      const result = await removeModel(source, model, 'airflow/main.py');
      if (!result.ok) {
        refusals++;
        expect(result.reason.length).toBeGreaterThan(20);
        continue;
      }
      edits++;
      const content = result.edit.content;
      const check = await withTree('python', content, (root) => ({
        problems: syntaxProblems(root),
        broken: newlyUndefined(before, undefinedNames(root)),
        mentions: stringLiterals(root, model).length,
      }));
      expect({ model, ...check }).toEqual({ model, problems: [], broken: [], mentions: 0 });
      const others = tasks.filter((t) => t.taskId !== model).map((t) => t.taskId);
      expect((await readDagTasks(content)).map((t) => t.taskId).sort()).toEqual(others.sort());
      expect(await parsePolicyModels(content)).toEqual(policy.kind === 'absent' ? policy : { ...policy, line: expect.any(Number) });
      expect(result.edit.diff).toContain(`--- a/airflow/main.py`);
    }
  });
});
