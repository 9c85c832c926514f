import { startSonarFake, type SonarFake } from '../../src/sandbox/fakes/sonar';
import { waitFor } from '../support/wait-for';
import { DATASET_ID, snapshot, startE2E, textOf, type E2E } from './harness';

// The runbook's example transaction (runbook.md); the dataset's id is the e2e harness's.
const TX = 'f7832a01-001b-56f7-a4fe-b3a417f8f654';

describe('a retraction plan names the dataset from Sonar (end to end)', () => {
  let e2e: E2E;
  let sonar: SonarFake;
  beforeEach(async () => {
    sonar = await startSonarFake('sonar-tok');
    sonar.setTransaction(TX, [
      { id: DATASET_ID, name: 'dataset/fx-model', committed: true },
      { name: 'model/fx-model', committed: false },
    ]);
    e2e = await startE2E({ env: { SONAR_URL: sonar.url, SONAR_TOKEN: 'sonar-tok' } });
  });
  afterEach(async () => {
    await e2e.close();
    await sonar.close();
    sonar.assertNoUnexpected();
    e2e.slack.assertNoUnexpected();
    e2e.metapod.assertNoUnexpected();
  });

  it('with --tx, the plan names dataset/fx-model in its title, summary and step; nothing is retracted before approval', async () => {
    await e2e.command(`retract committed-dataset ${DATASET_ID} --tx ${TX}`);
    const plan = snapshot(await e2e.planMessage());
    const text = textOf(plan);
    expect(text).toContain(`Retract committed dataset dataset/fx-model (${DATASET_ID})`);
    expect(text).toContain(`Retract the committed dataset *dataset/fx-model* (\`${DATASET_ID}\`) from Metapod.`);
    expect(text).toContain(`*What this id names:* dataset/fx-model in transaction ${TX} (from Sonar; committed)`);
    expect(sonar.requests).toHaveLength(1);
    expect(e2e.metapod.requests).toHaveLength(0);
  });

  it('without --tx, or when Sonar fails, the plan says the name is unknown and why', async () => {
    await e2e.command(`retract committed-dataset ${DATASET_ID}`);
    const first = snapshot(await e2e.planMessage());
    expect(textOf(first)).toMatch(
      /\*What this id names:\* name unknown: Sonar finds a dataset through its transaction: add `--tx &lt;transaction-id&gt;` to have it named\. Check the committed dataset before approving/,
    );

    sonar.failWith(503);
    await e2e.command(`retract committed-dataset ${DATASET_ID} --tx ${TX}`, 'UOTHER');
    const second = await waitFor(() => e2e.slack.topLevel('CDATAENG').find((m) => m.ts !== first.ts), { what: 'the second plan' });
    expect(textOf(second)).toMatch(/\*What this id names:\* name unknown: the Sonar lookup failed: Sonar answered 503/);
    // The first plan still waits: the second, another input on the same target, is warned about it.
    expect(textOf(second)).toContain(':warning: *The same target, recently:*');
  });
});
