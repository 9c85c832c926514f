import { auroraTarget, buildFailureTarget, dagaoTarget, datomicTarget, rollbackTarget } from '../../../src/runbooks/history/targets';
import { parseRollback } from '../../../src/runbooks/rollback';
import { parseDatomic } from '../../../src/runbooks/datomic-capacity';
import { parseBuildFailure } from '../../../src/runbooks/build-failure';

const TX = 'f7832a01-001b-56f7-a4fe-b3a417f8f654';
const parsed = <T>(r: { ok: true; value: T } | { ok: false; error: string }): T => {
  if (!r.ok) throw new Error(r.error);
  return r.value;
};

describe('what each runbook acts on (targetOf)', () => {
  it('rollback: the service, whatever shard, version or mode the request names', () => {
    const target = rollbackTarget(parsed(parseRollback(['metapod'])));
    expect(target).toBe('prod:metapod');
    expect(rollbackTarget(parsed(parseRollback(['metapod', '--to', '6c957ed', '--shard', 's1', '--in-place'])))).toBe(target);
    expect(rollbackTarget(parsed(parseRollback(['correnteza'])))).not.toBe(target);
  });

  it('datomic: the table the naming convention gives (absent, s0 and global prototypes share the short name)', () => {
    expect(datomicTarget(parsed(parseDatomic(['analytics', '--prototype', 's3'])))).toBe('prod-s3-analytics-datomic');
    expect(datomicTarget(parsed(parseDatomic(['analytics'])))).toBe('prod-analytics-datomic');
    expect(datomicTarget(parsed(parseDatomic(['analytics', '--prototype', 's0'])))).toBe('prod-analytics-datomic');
    expect(datomicTarget(parsed(parseDatomic(['analytics', '--prototype', 'global'])))).toBe('prod-analytics-datomic');
    expect(datomicTarget(parsed(parseDatomic(['analytics', '--env', 'staging'])))).toBe('staging-analytics-datomic');
  });

  it('build-failure: the transaction, whichever run, DAG or dataset the request narrows it to', () => {
    expect(buildFailureTarget(parsed(parseBuildFailure([TX])))).toBe(`transaction:${TX}`);
    expect(buildFailureTarget(parsed(parseBuildFailure([TX.toUpperCase(), '--only', 'fx-model', '--run', 'manual__1'])))).toBe(`transaction:${TX}`);
  });

  it('aurora: the job for create and kill; list and status only read, so they have none', () => {
    expect(auroraTarget({ verb: 'kill', job: 'dagao' })).toBe('job:dagao');
    expect(auroraTarget({ verb: 'create', job: 'dagao' })).toBe('job:dagao');
    expect(auroraTarget({ verb: 'create', job: 'scale' })).toBe('job:scale');
    expect(auroraTarget({ verb: 'status', job: 'dagao' })).toBeUndefined();
    expect(auroraTarget({ verb: 'list' })).toBeUndefined();
  });

  it('dagão: the nightly DAG, whether a command or an alarm naming a run asks', () => {
    const target = dagaoTarget('dagao');
    expect(target()).toBe('dag:dagao');
    expect(dagaoTarget('nightly')()).toBe('dag:nightly');
  });
});
