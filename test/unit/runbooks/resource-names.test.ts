import { datomicTableInWords, stackInWords } from '../../../src/runbooks/names/resource-names';

// Names as the runbook writes them: `prod-global-k-metapod`, `prod-s3-analytics-datomic` (runbook.md).
describe('resource names in words', () => {
  it.each([
    ['prod-global-k-metapod', 'metapod on the global stack (`prod-global-k-metapod`)'],
    ['prod-s1-k-correnteza', 'correnteza on shard s1 (`prod-s1-k-correnteza`)'],
    ['staging-s0-k-metapod', 'metapod on shard s0 in staging (`staging-s0-k-metapod`)'],
  ])('stack %s names its service and shard', (stack, words) => {
    expect(stackInWords(stack)).toBe(words);
  });

  it('a stack outside the convention is said to be unknown', () => {
    expect(stackInWords('metapod-blue')).toBe('`metapod-blue` (service and shard unknown: the name does not follow `prod-<shard>-k-<service>`)');
  });

  it.each([
    ['prod-s3-analytics-datomic', 'the Datomic database of analytics (prod, prototype s3)'],
    ['prod-metapod-datomic', 'the Datomic database of metapod (prod)'],
    ['staging-global-double-entry-datomic', 'the Datomic database of double-entry (staging, prototype global)'],
  ])('table %s names its service', (table, words) => {
    expect(datomicTableInWords(table)).toBe(words);
  });

  it('a table outside the convention is said to be unknown', () => {
    expect(datomicTableInWords('analytics')).toBe(
      'a Datomic database whose service is unknown (the name does not follow `$env-[$prototype-]$service-datomic`)',
    );
  });
});
