import { GraphqlSonarActions, type SonarActions } from '../../../src/actions/sonar/sonar-actions';
import { lookUpDatasetName } from '../../../src/runbooks/names/dataset-name';
import { parseRetract, retractRunbook } from '../../../src/runbooks/retract';
import { startSonarFake, type SonarFake } from '../../../src/sandbox/fakes/sonar';
import { FakeMetapod } from '../builders';
import pino from 'pino';

// The runbook's example transaction and dataset names (runbook.md, "Determining if it was the dataset or model that failed").
const TX = 'f7832a01-001b-56f7-a4fe-b3a417f8f654';
const FX_MODEL = '5f2c0a4e-8d1b-4c3a-9f6e-1b2c3d4e5f60';
const CSV = '9b1d3c5e-2f4a-4b6c-8d0e-1a2b3c4d5e6f';
const logger = pino({ level: 'silent' });

describe('naming a dataset from Sonar (read-only, with a deadline)', () => {
  let sonar: SonarFake;
  let actions: SonarActions;
  beforeEach(async () => {
    sonar = await startSonarFake('tok');
    actions = new GraphqlSonarActions(sonar.url, 'tok', 2000);
    sonar.setTransaction(TX, [
      { id: FX_MODEL, name: 'dataset/fx-model', committed: true },
      { id: CSV, name: 'dataset/fx-model-csv-gz', committed: false },
      { name: 'model/fx-model', committed: false },
    ]);
  });
  afterEach(async () => {
    await sonar.close();
    sonar.assertNoUnexpected();
  });

  it("finds the dataset by its id among the transaction's datasets, with whether it is committed", async () => {
    expect(await lookUpDatasetName(actions, FX_MODEL, TX)).toEqual({ kind: 'known', name: 'dataset/fx-model', committed: true, transactionId: TX });
    expect(await lookUpDatasetName(actions, CSV.toUpperCase(), TX)).toMatchObject({ kind: 'known', name: 'dataset/fx-model-csv-gz', committed: false });
    expect(sonar.requests[0]!.query).toContain(`transaction(transactionId: "${TX}")`);
    expect(sonar.requests[0]!.query).toMatch(/datasets \{\s+id\s+name\s+committed\s+\}/);
  });

  it('says why the name is unknown: not configured, no transaction, unknown transaction, id not in it', async () => {
    expect(await lookUpDatasetName(undefined, FX_MODEL, TX)).toEqual({ kind: 'unknown', why: 'Sonar is not configured (`SONAR_URL`)' });
    expect(await lookUpDatasetName(actions, FX_MODEL, undefined)).toEqual({ kind: 'unknown', why: expect.stringContaining('add `--tx <transaction-id>`') });
    expect(sonar.requests).toHaveLength(0);
    const other = '3b1f9c2e-7a4d-4e8b-9c61-2d5e8f0a7b13';
    expect(await lookUpDatasetName(actions, FX_MODEL, other)).toEqual({ kind: 'unknown', why: `Sonar knows no transaction \`${other}\`` });
    expect(await lookUpDatasetName(actions, other, TX)).toEqual({
      kind: 'unknown',
      why: `transaction \`${TX}\` has no dataset with this id in Sonar (3 datasets listed)`,
    });
  });

  it('a failed lookup is said, not guessed', async () => {
    sonar.failWith(503);
    expect(await lookUpDatasetName(actions, FX_MODEL, TX)).toEqual({
      kind: 'unknown',
      why: expect.stringMatching(/^the Sonar lookup failed: Sonar answered 503/),
    });
  });

  it('gives up at its deadline when Sonar does not answer', async () => {
    const hanging: SonarActions = {
      url: 'http://sonar.invalid/graphql',
      uncommittedDatasets: () => Promise.reject(new Error('not used')),
      transactionDatasets: (_tx, signal) => new Promise((_resolve, reject) => signal?.addEventListener('abort', () => reject(signal.reason as Error))),
    };
    expect(await lookUpDatasetName(hanging, FX_MODEL, TX, { deadlineMs: 50 })).toEqual({ kind: 'unknown', why: 'Sonar did not answer within 0.1 s' });
  });

  it('the retraction plan names the dataset, or says why it cannot', async () => {
    const ctx = { logger, now: new Date(), results: [] };
    const runbook = retractRunbook(new FakeMetapod(), actions);
    const named = await runbook.buildPlan(parsed([`committed-dataset`, FX_MODEL, '--tx', TX]), ctx);
    expect(named.title).toBe(`Retract committed dataset dataset/fx-model (${FX_MODEL})`);
    expect(named.summary).toBe(`Retract the committed dataset *dataset/fx-model* (\`${FX_MODEL}\`) from Metapod.`);
    expect(named.steps[0]!.preview[1]).toEqual({ label: 'What this id names', value: `dataset/fx-model in transaction ${TX} (from Sonar; committed)` });
    const unnamed = await runbook.buildPlan(parsed([`committed-dataset`, FX_MODEL]), ctx);
    expect(unnamed.title).toBe(`Retract committed dataset ${FX_MODEL}`);
    expect(unnamed.steps[0]!.preview[1]!.value).toMatch(
      /^name unknown: Sonar finds a dataset through its transaction: add `--tx <transaction-id>` to have it named\. Check the committed dataset before approving$/,
    );
    const attribute = await runbook.buildPlan(parsed(['attribute', FX_MODEL]), ctx);
    expect(attribute.steps[0]!.preview[1]!.value).toMatch(/^name unknown: Sonar has no lookup of an attribute by id/);
  });
});

function parsed(words: string[]) {
  const r = parseRetract(words);
  if (!r.ok) throw new Error(r.error);
  return r.value;
}

describe('parseRetract --tx', () => {
  it('takes the transaction of a committed dataset, lower-cased, and refuses it elsewhere or malformed', () => {
    expect(parseRetract(['committed-dataset', FX_MODEL, '--tx', TX.toUpperCase()])).toEqual({
      ok: true,
      value: { kind: 'committed-dataset', id: FX_MODEL, tx: TX },
    });
    expect(parseRetract(['committed-dataset', FX_MODEL, '--tx'])).toEqual({ ok: false, error: '`--tx` needs a value: the transaction.' });
    expect(parseRetract(['committed-dataset', FX_MODEL, '--tx', 'nope'])).toMatchObject({ ok: false, error: expect.stringMatching(/is not a transaction id/) });
    expect(parseRetract(['attribute', FX_MODEL, '--tx', TX])).toMatchObject({
      ok: false,
      error: expect.stringMatching(/^`--tx` names the transaction of a committed dataset; it does not apply/),
    });
  });
});
