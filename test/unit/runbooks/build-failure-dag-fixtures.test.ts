/**
 * The DAG layouts of test/fixtures/dags (see its README for where each comes from): for each, the
 * policy list the bot reads, and for its models either the exact edit or a refusal naming why.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readDagTasks } from '../../../src/runbooks/build-failure/code/dag-tasks';
import { parsePolicyModels, removeModel } from '../../../src/runbooks/build-failure/source-edits';

const DIR = join(__dirname, '../../fixtures/dags');
const read = (file: string): string => readFileSync(join(DIR, file), 'utf8');

/** The original with each `[from, to]` applied once (each `from` must occur exactly once). */
function expected(source: string, changes: [string, string][]): string {
  let out = source;
  for (const [from, to] of changes) {
    expect(out.split(from)).toHaveLength(2);
    out = out.replace(from, to);
  }
  return out;
}

const gone = (line: string): [string, string] => [line, ''];

describe('the policy list of each layout', () => {
  it.each([
    ['01-string-policy-list.py', ['credit-limit']],
    ['02-variable-policy-list.py', ['credit-limit', 'acquisition-policy']],
    ['03-mixed-policy-list.py', ['acquisition-policy', 'credit-limit', 'fraud-score', 'collections-score']],
    ['04-factory-positional.py', ['credit-limit']],
    ['05-factory-keyword-multiline.py', ['credit-limit']],
    ['09-taskflow.py', ['credit-limit']],
    ['16-chain-list-to-list.py', []],
  ])('%s resolves to %j', async (file, models) => {
    expect(await parsePolicyModels(read(file))).toMatchObject({ kind: 'resolved', models });
  });

  it.each([
    ['12-policy-from-call.py', "Variable.get('extra_policy_models', deserialize_json=True)", 14, /a function call/],
    ['13-policy-imported.py', 'SHARED_POLICY_MODELS', 11, /imported from another module \(line 4\)/],
    ['14-policy-comprehension.py', "[m for m in models if m.params.get('critical')]", 11, /a comprehension/],
    ['15-policy-unknown-name.py', 'acquisiton_policy', 13, /is not defined in this file/],
  ])('%s cannot be read: it names entry %j (line %i)', async (file, entry, line, why) => {
    const policy = await parsePolicyModels(read(file));
    expect(policy).toMatchObject({ kind: 'unresolved', entry, line });
    expect(policy.kind === 'unresolved' && policy.why).toMatch(why);
  });

  it('refuses a list changed after its assignment, or imported whole', async () => {
    expect(await parsePolicyModels("policy_models = ['a']\npolicy_models.append('b')\n")).toMatchObject({
      kind: 'unresolved',
      line: 2,
      why: expect.stringContaining('more than one place'),
    });
    expect(await parsePolicyModels('from shared import policy_models\n')).toMatchObject({ kind: 'unresolved', entry: 'policy_models', line: 1 });
    expect(await parsePolicyModels('x = make()\npolicy_models = [x]\n')).toMatchObject({
      kind: 'unresolved',
      entry: 'x',
      why: expect.stringContaining('names no task id'),
    });
  });
});

describe('removing fx-model from each layout', () => {
  const FX_EDITS: [string, [string, string][]][] = [
    [
      '01-string-policy-list.py',
      [
        gone("fx_model = BashOperator(task_id='fx-model', bash_command='model fx-model', dag=dag)\n"),
        gone('fx_model.set_upstream(itaipu)\n'),
        gone('fx_model >> load_models\n'),
      ],
    ],
    [
      '02-variable-policy-list.py',
      [gone("    fx_model = BashOperator(task_id='fx-model', bash_command='model fx-model')\n"), ['    start >> fx_model >> done\n', '    start >> done\n']],
    ],
    [
      '03-mixed-policy-list.py',
      [gone("fx_model = PythonOperator(task_id='fx-model', python_callable=run_model, op_args=['fx-model'], dag=dag)\n"), gone('fx_model >> churn\n')],
    ],
    [
      '04-factory-positional.py',
      [gone("fx_model = model_task('fx-model', dag=dag)\n"), ['models = [credit_limit, fx_model, fx_model_avro]', 'models = [credit_limit, fx_model_avro]']],
    ],
    [
      '05-factory-keyword-multiline.py',
      [gone("    fx_model = model_task(\n        name='fx-model',\n        cpus=2,\n        memory='8g',\n    )\n"), gone('        fx_model,\n')],
    ],
    ['06-loop-over-names.py', [gone("    'fx-model',\n")]],
    ['07-dict-of-model-configs.py', [gone("    'fx-model': {'cpus': 2},\n")]],
    [
      '08-dict-of-tasks.py',
      [gone("    'fx-model': model_task('fx-model', dag=dag),\n"), gone("start >> models['fx-model']\n"), gone("models['fx-model'] >> models['churn']\n")],
    ],
    [
      '09-taskflow.py',
      [
        gone('    @task(task_id=\'fx-model\')\n    def fx_model():\n        """Runs fx-model."""\n        return \'fx-model\'\n'),
        ['    order_data >> [fx_model(), credit_limit()] >> publish()', '    order_data >> [credit_limit()] >> publish()'],
      ],
    ],
    [
      '10-chained-lists.py',
      [
        gone("fx_model = EmptyOperator(task_id='fx-model', dag=dag)\n"),
        ['itaipu >> [credit_limit, fx_model, savings] >> load_models', 'itaipu >> [credit_limit, savings] >> load_models'],
        gone('report << fx_model\n'),
      ],
    ],
    [
      '11-comments-and-docstrings.py',
      [
        gone("fx_model = BashOperator(\n    task_id='fx-model',  # same as the Sonar name\n    bash_command='model fx-model',\n    dag=dag,\n)\n"),
        gone('fx_model.doc_md = """\n#### fx-model\nReads dataset/fx-model.\n"""\n'),
        ['credit_limit >> fx_model >> fx_model_features  # fx-model', 'credit_limit >> fx_model_features  # fx-model'],
      ],
    ],
    ['12-policy-from-call.py', [gone("fx_model = model_task('fx-model', dag=dag)\n")]],
  ];
  it.each(FX_EDITS)('%s: removes exactly the task and its references', async (file, changes) => {
    const source = read(file);
    const result = await removeModel(source, 'fx-model', `airflow/${file}`);
    if (!result.ok) throw new Error(result.reason);
    expect(result.edit.content).toBe(expected(source, changes));
    // Neighbours whose names contain the model's name stay.
    for (const neighbour of ['fx-model-features', 'fx-model-avro']) expect(result.edit.content.includes(neighbour)).toBe(source.includes(neighbour));
    expect(result.edit.diff.startsWith(`--- a/airflow/${file}\n+++ b/airflow/${file}\n@@ -`)).toBe(true);
  });

  it('goes from a paren-wrapped multi-line chain without breaking it', async () => {
    const source = read('10-chained-lists.py');
    const result = await removeModel(source, 'savings', 'f');
    expect(result).toMatchObject({
      ok: true,
      edit: {
        content: expected(source, [
          gone("savings = EmptyOperator(task_id='savings', dag=dag)\n"),
          ['[credit_limit, fx_model, savings]', '[credit_limit, fx_model]'],
          gone('    >> savings\n'),
        ]),
      },
    });
  });
});

describe('refusals, each naming why', () => {
  it.each([
    ['02-variable-policy-list.py', 'credit-limit', /would change the policy model list at line 21/],
    ['01-string-policy-list.py', 'credit-limit', /is in the policy model list of f \(line 22\); the bot does not disable a policy model/],
    ['03-mixed-policy-list.py', 'fraud-score', /would change the policy model list at line 24/],
    // Not in policy_models' own brackets, but in the CORE_POLICY list it is concatenated from.
    ['03-mixed-policy-list.py', 'credit-limit', /would change the policy model list at line 20/],
    ['05-factory-keyword-multiline.py', 'savings', /would turn the tuple `\(credit_limit, savings\)` \(line 33\) into a single value/],
    ['09-taskflow.py', 'extract', /`order_data` \(line 40\) is passed to `transform\(\.\.\.\)`/],
    ['09-taskflow.py', 'transform', /`order_summary` \(line 41\) is used inside `load\(order_summary\['total'\]\)`/],
    ['16-chain-list-to-list.py', 'fx-model', /would link a list to a list \(`\[itaipu_a, itaipu_b\] >> \[load_a, load_b\]`\)/],
    ['17-task-passed-to-helper.py', 'fx-model', /is passed to `page_on_failure\(\.\.\.\)`/],
    [
      '17-task-passed-to-helper.py',
      'savings',
      /appears in f at line 12, but not as a task the bot recognises \(the loop at line 12 does not build a task from its names/,
    ],
    ['04-factory-positional.py', 'churn', /The model `churn` is not in f/],
  ])('%s, %s', async (file, model, reason) => {
    const result = await removeModel(read(file), model, 'f');
    expect(result.ok).toBe(false);
    expect(!result.ok && result.reason).toMatch(reason);
  });

  it('refuses a mention it cannot explain, a reassigned variable, an attribute read; fills an emptied block with pass', async () => {
    const args = "fx = model_task('fx-model')\nreport = BashOperator(task_id='report', params={'models': ['fx-model']})\n";
    expect(await removeModel(args, 'fx-model', 'f')).toMatchObject({ ok: false, reason: expect.stringContaining('also appears at line 2') });
    expect(await removeModel("fx = model_task('fx-model')\nfx = other\nfx >> a\n", 'fx-model', 'f')).toMatchObject({
      ok: false,
      reason: expect.stringContaining('`fx` is assigned 2 times'),
    });
    expect(await removeModel("fx = model_task('fx-model')\nlog(fx.task_id)\n", 'fx-model', 'f')).toMatchObject({
      ok: false,
      reason: expect.stringContaining('`fx.task_id` (line 2) reads the task'),
    });
    expect(await removeModel("with DAG('d') as dag:\n    fx = model_task('fx-model')\n    fx >> load\n", 'fx-model', 'f')).toMatchObject({
      ok: true,
      edit: { content: "with DAG('d') as dag:\n    pass\n" },
    });
  });
});

it('re-parses the edit: a name bound inside the removed statement and used elsewhere refuses', async () => {
  const walrus = "fx = model_task('fx-model', dag=(d := DAG('x')))\nother = model_task('other', dag=d)\n";
  expect(await removeModel(walrus, 'fx-model', 'f')).toEqual({
    ok: false,
    reason: 'the edited file would use `d` (line 1) without defining it; the bot proposes no edit',
  });
  // A name the original already left undefined (a star import) is not held against the edit.
  const star = "from models import *\nfx = model_task('fx-model')\nfx >> load_all\nrest >> load_all\n";
  expect(await removeModel(star, 'fx-model', 'f')).toMatchObject({ ok: true, edit: { content: 'from models import *\nrest >> load_all\n' } });
});

it('refuses a diff too long to show whole in the preview', async () => {
  const links = Array.from({ length: 30 }, (_, i) => `fx >> load_${i}\n${'other >> x\n'.repeat(8)}`).join('');
  const source = `fx = model_task('fx-model')\n${links}`;
  expect(await removeModel(source, 'fx-model', 'f')).toMatchObject({
    ok: false,
    reason: expect.stringContaining('too many lines to show whole in the preview'),
  });
});

describe('the tasks the reader resolves', () => {
  it('lists task ids, variables and the lines that read them', async () => {
    const tasks = await readDagTasks(read('01-string-policy-list.py'));
    expect(tasks.map((t) => [t.taskId, t.how, t.variable, t.references])).toEqual([
      ['itaipu-rest', 'operator', 'itaipu', [24, 25, 26]],
      ['credit-limit', 'operator', 'credit_limit', [24, 27]],
      ['fx-model', 'operator', 'fx_model', [25, 28]],
      ['fx-model-features', 'operator', 'fx_model_features', [26, 29]],
      ['databricks_load-models', 'operator', 'load_models', [27, 28, 29]],
    ]);
    expect((await readDagTasks(read('06-loop-over-names.py'))).filter((t) => t.how === 'loop').map((t) => t.taskId)).toEqual([
      'credit-limit',
      'fx-model',
      'fx-model-features',
    ]);
    expect((await readDagTasks(read('09-taskflow.py'))).map((t) => `${t.taskId}:${t.how}`)).toEqual([
      'extract:taskflow',
      'transform:taskflow',
      'load:taskflow',
      'fx-model:taskflow',
      'credit-limit:taskflow',
      'publish:taskflow',
    ]);
    expect((await readDagTasks(read('05-factory-keyword-multiline.py'))).map((t) => `${t.taskId}:${t.how}`)).toEqual([
      'credit-limit:operator',
      'fx-model:factory',
      'savings:factory',
      'publish-models:operator',
    ]);
  });
});
