import { GraphqlSonarActions, uncommittedDatasetsQuery } from '../../../src/actions/sonar/sonar-actions';
import { BackendError } from '../../../src/actions/http/errors';
import { startSonarFake, type SonarFake } from '../../../src/sandbox/fakes/sonar';

const TX = 'f7832a01-001b-56f7-a4fe-b3a417f8f654';

describe('GraphqlSonarActions against a real GraphQL server', () => {
  let sonar: SonarFake;
  beforeEach(async () => {
    sonar = await startSonarFake('tok');
  });
  afterEach(async () => {
    // Closed first: a failed assertion must not leave the server holding jest open.
    await sonar.close();
    sonar.assertNoUnexpected();
  });

  it('asks for the uncommitted datasets of the transaction, with the token', async () => {
    sonar.setTransaction(TX, [
      { name: 'dataset/fx-model', committed: false },
      { name: 'model/fx-model', committed: false },
      { name: 'dataset/contracts', committed: true },
    ]);
    const names = await new GraphqlSonarActions(sonar.url, 'tok', 2000).uncommittedDatasets(TX);
    expect(names).toEqual(['dataset/fx-model', 'model/fx-model']);
    expect(sonar.requests).toHaveLength(1);
    expect(sonar.requests[0]!.query).toContain(`transaction(transactionId: "${TX}")`);
    expect(sonar.requests[0]!.query).toContain('datasets(committed: ONLY_UNCOMMITTED)');
  });

  it('returns undefined for a transaction Sonar does not know', async () => {
    await expect(new GraphqlSonarActions(sonar.url, 'tok', 2000).uncommittedDatasets(TX)).resolves.toBeUndefined();
  });

  it('explains Sonar being down, a rejected token and an unreachable host', async () => {
    sonar.failWith(503);
    const err = await new GraphqlSonarActions(sonar.url, 'tok', 2000).uncommittedDatasets(TX).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BackendError);
    expect(err).toMatchObject({ backend: 'Sonar', status: 503 });
    expect((err as Error).message).toMatch(/^Sonar answered 503/);
    sonar.failWith(undefined);

    const closed = await startSonarFake();
    await closed.close();
    await expect(new GraphqlSonarActions(closed.url, 'tok', 2000).uncommittedDatasets(TX)).rejects.toMatchObject({
      code: 'connection_refused',
      message: expect.stringContaining('Could not connect to Sonar'),
    });
  });

  it('reports a rejected token without leaking it', async () => {
    const err = (await new GraphqlSonarActions(sonar.url, 'wrong', 2000).uncommittedDatasets(TX).catch((e: unknown) => e)) as Error;
    sonar.unexpected.length = 0; // the fake flags the bad token, which is what this test sends on purpose
    expect(err.message).toBe("Sonar refused the bot's credentials (401). Check SONAR_TOKEN.");
  });

  it('refuses to build a query from anything but a UUID', () => {
    expect(() => uncommittedDatasetsQuery('x") { __typename } #')).toThrow(/UUID/);
  });
});
