import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { commentOutDataset, parsePolicyModels, pascalCase, removeModel } from '../../../src/runbooks/build-failure/source-edits';

const MAIN_PY = readFileSync(join(__dirname, '../../fixtures/aurora-jobs-main.py'), 'utf8');
const ITAIPU = readFileSync(join(__dirname, '../../fixtures/itaipu-datasets.scala'), 'utf8');

describe('the policy model list in airflow/main.py', () => {
  it('reads the quoted names, ignoring comments', async () => {
    expect(await parsePolicyModels(MAIN_PY)).toEqual({ kind: 'resolved', models: ['credit-limit', 'acquisition-policy'], line: 37 });
  });
  it('is absent when the file has no such list', async () => {
    expect(await parsePolicyModels('models = []\n')).toEqual({ kind: 'absent' });
  });
  it('is unreadable when the file does not parse', async () => {
    expect(await parsePolicyModels("policy_models = ['a',\n")).toMatchObject({ kind: 'unresolved', why: expect.stringContaining('does not parse') });
  });
});

describe('removing a model from the DAG', () => {
  it('removes exactly its list entry and leaves neighbours alone', async () => {
    const result = await removeModel(MAIN_PY, 'fx-model', 'airflow/main.py');
    if (!result.ok) throw new Error(result.reason);
    expect(result.edit.content).not.toContain("'fx-model',");
    expect(result.edit.content).toContain("model_task('fx-model-features', dag=dag),");
    expect(result.edit.content.split('\n')).toHaveLength(MAIN_PY.split('\n').length - 1);
    expect(result.edit.content).toBe(MAIN_PY.replace("    model_task('fx-model', dag=dag),\n", ''));
    expect(result.edit.line).toBe(31);
    expect(result.edit.diff).toContain("-    model_task('fx-model', dag=dag),");
    expect(result.edit.diff).toMatch(/^--- a\/airflow\/main.py\n\+\+\+ b\/airflow\/main.py\n@@ -28,7 \+28,6 @@\n/);
  });
  it('finds double-quoted declarations and never touches the policy list or commented lines', async () => {
    expect(await removeModel(MAIN_PY, 'collections-score', 'f')).toMatchObject({
      ok: true,
      edit: { content: MAIN_PY.replace('    model_task("collections-score", dag=dag),\n', '') },
    });
    expect(await removeModel(MAIN_PY, 'churn', 'f')).toMatchObject({ ok: false, reason: expect.stringContaining('is not in f') });
    // credit-limit is both declared and in the policy list: the bot never disables a policy model.
    expect(await removeModel(MAIN_PY, 'credit-limit', 'f')).toMatchObject({
      ok: false,
      reason: expect.stringContaining('is in the policy model list of f (line 38)'),
    });
  });
  it('refuses a model declared twice, and removes one declared over several lines', async () => {
    expect(await removeModel("a = model_task('x')\nb = model_task('x')\n", 'x', 'f')).toMatchObject({
      ok: false,
      reason: expect.stringContaining('declared 2 times in f (lines 1, 2)'),
    });
    const multi = "models = [\n    model_task(\n        'x',\n        dag=dag),\n    model_task('y', dag=dag),\n]\n";
    expect(await removeModel(multi, 'x', 'f')).toMatchObject({ ok: true, edit: { content: "models = [\n    model_task('y', dag=dag),\n]\n" } });
  });
  it('refuses a file that does not parse', async () => {
    expect(await removeModel("models = [model_task('x')\n", 'x', 'f')).toMatchObject({ ok: false, reason: expect.stringContaining('f does not parse (line') });
  });
});

describe('commenting out a dataset in itaipu', () => {
  it('comments out exactly dataset.FxModel, not dataset.FxModelFeatures', async () => {
    expect(pascalCase('fx-model')).toBe('FxModel');
    const result = await commentOutDataset(ITAIPU, 'fx-model', 'Itaipu.scala', 'disabled by runbook-bot');
    if (!result.ok) throw new Error(result.reason);
    expect(result.edit.content).toBe(ITAIPU.replace('    dataset.FxModel,\n', '    // dataset.FxModel, // disabled by runbook-bot\n'));
    expect(result.edit.content).toContain('    dataset.FxModelFeatures,');
    expect(result.edit.diff).toContain('-    dataset.FxModel,\n+    // dataset.FxModel, // disabled by runbook-bot');
  });
  it('handles the last entry (the comma before it goes) and says when the dataset is already commented out', async () => {
    const last = await commentOutDataset(ITAIPU, 'collections-score', 'f', 'n');
    if (!last.ok) throw new Error(last.reason);
    expect(last.edit.content).toContain('    // dataset.CollectionsScore // n\n');
    expect(last.edit.content).toContain('    dataset.FxModelFeatures\n');
    expect(await commentOutDataset(ITAIPU, 'churn', 'f', 'n')).toMatchObject({ ok: false, reason: expect.stringContaining('is not in f') });
  });
  it('refuses an entry sharing its line, a duplicate, and a file that does not parse', async () => {
    expect(await commentOutDataset('object I {\n  val all = Seq(dataset.A, dataset.FxModel)\n}\n', 'fx-model', 'f', 'n')).toMatchObject({
      ok: false,
      reason: expect.stringContaining('shares line 2'),
    });
    expect(await commentOutDataset('object I {\n  val a = Seq(\n    dataset.FxModel,\n    dataset.FxModel\n  )\n}\n', 'fx-model', 'f', 'n')).toMatchObject({
      ok: false,
      reason: expect.stringContaining('appears 2 times'),
    });
    expect(await commentOutDataset('object I {\n  val a = Seq(\n    dataset.FxModel,\n', 'fx-model', 'f', 'n')).toMatchObject({
      ok: false,
      reason: expect.stringContaining('does not parse'),
    });
  });
});
