import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { commentOutDataset, parsePolicyModels, pascalCase, removeModel } from '../../../src/runbooks/build-failure/source-edits';

const MAIN_PY = readFileSync(join(__dirname, '../../fixtures/aurora-jobs-main.py'), 'utf8');
const ITAIPU = readFileSync(join(__dirname, '../../fixtures/itaipu-datasets.scala'), 'utf8');

describe('the policy model list in airflow/main.py', () => {
  it('reads the quoted names, ignoring comments', () => {
    expect(parsePolicyModels(MAIN_PY)).toEqual(['credit-limit', 'acquisition-policy']);
  });
  it('is undefined when the file has no such list', () => {
    expect(parsePolicyModels('models = []\n')).toBeUndefined();
  });
});

describe('removing a model from the DAG', () => {
  it('removes exactly the one line and leaves neighbours alone', () => {
    const result = removeModel(MAIN_PY, 'fx-model', 'airflow/main.py');
    if (!result.ok) throw new Error(result.reason);
    expect(result.edit.before).toBe("    model_task('fx-model', dag=dag),");
    expect(result.edit.content).not.toContain("'fx-model',");
    expect(result.edit.content).toContain("model_task('fx-model-features', dag=dag),");
    expect(result.edit.content.split('\n')).toHaveLength(MAIN_PY.split('\n').length - 1);
    expect(result.edit.diff).toContain("-    model_task('fx-model', dag=dag),");
    expect(result.edit.diff).toContain(`@@ line ${result.edit.line} @@`);
  });
  it('finds double-quoted declarations, never the policy list or commented lines', () => {
    expect(removeModel(MAIN_PY, 'collections-score', 'f')).toMatchObject({ ok: true, edit: { before: '    model_task("collections-score", dag=dag),' } });
    expect(removeModel(MAIN_PY, 'churn', 'f')).toMatchObject({ ok: false, reason: expect.stringContaining('is not in f') });
    // credit-limit is both declared and in the policy list: only the declaration is a candidate.
    expect(removeModel(MAIN_PY, 'credit-limit', 'f')).toMatchObject({ ok: true, edit: { before: "    model_task('credit-limit', dag=dag),  # owner: credit squad" } });
  });
  it('refuses ambiguous and multi-line declarations', () => {
    expect(removeModel("a = model_task('x')\nb = model_task('x')\n", 'x', 'f')).toMatchObject({ ok: false, reason: expect.stringContaining('appears on 2 lines') });
    expect(removeModel("models = [\n    model_task(\n        'x',\n        dag=dag),\n]\n", 'x', 'f')).toMatchObject({ ok: false, reason: expect.stringContaining('over several lines') });
  });
});

describe('commenting out a dataset in itaipu', () => {
  it('comments out exactly dataset.FxModel, not dataset.FxModelFeatures', () => {
    expect(pascalCase('fx-model')).toBe('FxModel');
    const result = commentOutDataset(ITAIPU, 'fx-model', 'Itaipu.scala', 'disabled by runbook-bot');
    if (!result.ok) throw new Error(result.reason);
    expect(result.edit.before).toBe('    dataset.FxModel,');
    expect(result.edit.after).toBe('    // dataset.FxModel, // disabled by runbook-bot');
    expect(result.edit.content).toContain('    dataset.FxModelFeatures,');
    expect(result.edit.diff).toContain('-    dataset.FxModel,\n+    // dataset.FxModel, // disabled by runbook-bot');
  });
  it('handles the last entry and says when the dataset is already commented out', () => {
    expect(commentOutDataset(ITAIPU, 'collections-score', 'f', 'n')).toMatchObject({ ok: true, edit: { after: '    // dataset.CollectionsScore // n' } });
    expect(commentOutDataset(ITAIPU, 'churn', 'f', 'n')).toMatchObject({ ok: false });
  });
});
