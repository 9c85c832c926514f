import { chooseTarget, classify, describeGroup, parseEntry } from '../../../src/runbooks/build-failure/classify';

describe('classifying uncommitted Sonar entries like the runbook', () => {
  it('reads the runbook\'s own example as "the dataset failed and took its model with it"', () => {
    // runbook.md, "Determining if it was the dataset or model that failed"
    const c = classify(['model/fx-model-avro', 'dataset/fx-model', 'model/fx-model', 'dataset/fx-model-csv-gz']);
    expect(c.groups).toEqual([
      {
        base: 'fx-model',
        names: ['dataset/fx-model', 'dataset/fx-model-csv-gz', 'model/fx-model', 'model/fx-model-avro'],
        failed: 'dataset',
        modelAffected: true,
      },
    ]);
    expect(c.inProgress).toBe(false);
    expect(describeGroup(c.groups[0]!)).toBe('The dataset `fx-model` failed, and took its model `fx-model` with it.');
  });

  it('says only the model failed when no dataset of that base is uncommitted', () => {
    const c = classify(['model/fx-model', 'model/fx-model-avro']);
    expect(c.groups).toMatchObject([{ base: 'fx-model', failed: 'model' }]);
    expect(describeGroup(c.groups[0]!)).toBe('Only the model `fx-model` failed; its dataset was committed.');
  });

  it('keeps neighbours apart and sets unknown names aside', () => {
    const c = classify(['dataset/fx-model', 'model/fx-model-features', 'something/else', 'dataset/fx-model-parquet']);
    expect(c.groups.map((g) => [g.base, g.failed])).toEqual([
      ['fx-model', 'dataset'],
      ['fx-model-features', 'model'],
    ]);
    expect(c.other).toEqual(['something/else']);
    expect(parseEntry('dataset/FX-Model-CSV-GZ')).toEqual({ kind: 'dataset', base: 'fx-model' });
    expect(parseEntry('dataset/')).toBeUndefined();
  });

  it("calls a run with many uncommitted entries in progress and highlights Airflow's failed tasks", () => {
    const names = ['a', 'b', 'c', 'd', 'fx-model'].flatMap((b) => [`dataset/${b}`, `model/${b}`]).filter((n) => n !== 'dataset/fx-model');
    const c = classify(names, { failedTasks: ['fx-model', 'unrelated-task'] });
    expect(c.inProgress).toBe(true);
    expect(c.likely).toEqual(['fx-model']);
    expect(chooseTarget(c)).toMatchObject({ kind: 'one', group: { base: 'fx-model', failed: 'model' } });
    expect(chooseTarget(classify(names))).toEqual({ kind: 'several', bases: ['a', 'b', 'c', 'd', 'fx-model'] });
    expect(classify(['dataset/x'], { runInProgress: true }).inProgress).toBe(true);
  });

  it('highlights a failed itaipu task as its dataset', () => {
    const c = classify(['dataset/fx-model', 'model/fx-model', 'dataset/other'], { failedTasks: ['itaipu-fx-model'] });
    expect(c.likely).toEqual(['fx-model']);
  });

  it('chooses the one named with --only, or says there is nothing or no such group', () => {
    const c = classify(['dataset/a', 'model/b']);
    expect(chooseTarget(c, 'b')).toMatchObject({ kind: 'one', group: { base: 'b' } });
    expect(chooseTarget(c, 'zzz')).toEqual({ kind: 'unknown', only: 'zzz' });
    expect(chooseTarget(classify([]))).toEqual({ kind: 'none' });
  });
});
