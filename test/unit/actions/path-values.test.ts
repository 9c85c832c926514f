// Issue 16, item 7: no identifier changes a backend URL's path. Each adapter gets `.`/`..` inputs and
// must refuse them before any request: its strict loopback fake records nothing. A control call with a
// plain name proves each fake does record what reaches it (so "nothing recorded" means something).
import { HttpAirflowActions } from '../../../src/actions/airflow/http-airflow-actions';
import { OctokitGitHubActions } from '../../../src/actions/github/github-actions';
import { HttpGoCdActions } from '../../../src/actions/gocd/gocd-actions';
import { BackendError } from '../../../src/actions/http/errors';
import { HttpMetapodActions } from '../../../src/actions/metapod/metapod-actions';
import { HttpServiceVersion, serviceBaseUrl } from '../../../src/actions/service-health/service-version';
import { startAirflowFake } from '../../../src/sandbox/fakes/airflow';
import { startGitHubFake } from '../../../src/sandbox/fakes/github';
import { startGoCdFake } from '../../../src/sandbox/fakes/gocd';
import { startMetapodFake } from '../../../src/sandbox/fakes/metapod';
import { startServiceVersionFake } from '../../../src/sandbox/fakes/service-version';

const DOTS = ['.', '..'];
const refused = (p: Promise<unknown>) =>
  expect(p).rejects.toMatchObject({ code: 'invalid_url', message: expect.stringMatching(/not a valid name|would change the URL's path/) });

describe('identifiers never change a URL path', () => {
  it('Airflow: DAG, run and task ids', async () => {
    const fake = await startAirflowFake();
    try {
      const airflow = new HttpAirflowActions({ url: fake.url, username: 'bot', password: 'secret', timeoutMs: 2000, apiVersion: '1' });
      for (const dot of DOTS) {
        await refused(airflow.listDagRuns(dot));
        await refused(airflow.getDagRun('dagao', dot));
        await refused(airflow.getTaskLog('dagao', 'run-1', dot, 1));
        await refused(airflow.clearTaskInstances(dot, { dagRunId: 'run-1', taskIds: ['t'], dryRun: true }));
      }
      expect(fake.requests).toEqual([]);
      await airflow.getDagRun('no-such-dag', 'no-such-run').catch(() => undefined);
      expect(fake.requests.length).toBeGreaterThan(0);
    } finally {
      await fake.close();
    }
  });

  it('Metapod: the retraction id', async () => {
    const fake = await startMetapodFake();
    try {
      const metapod = new HttpMetapodActions(fake.url, 2000);
      for (const dot of DOTS) {
        expect(() => metapod.retractUrl('attribute', dot)).toThrow(BackendError);
        await refused(metapod.retract('attribute', dot));
      }
      expect([...fake.requests, ...fake.unexpected]).toEqual([]);
      await metapod.retract('attribute', '5f2c0a4e-8d1b-4c3a-9f6e-1b2c3d4e5f60');
      expect(fake.requests).toHaveLength(1);
    } finally {
      await fake.close();
    }
  });

  it('GoCD: the pipeline name', async () => {
    const fake = await startGoCdFake();
    try {
      const gocd = new HttpGoCdActions(fake.url, undefined, 2000);
      for (const dot of DOTS) {
        await refused(gocd.pipelineHistory(dot));
        await refused(gocd.runningRuns(dot));
        expect(() => gocd.historyPageUrl(dot)).toThrow(BackendError);
      }
      expect([...fake.requests, ...fake.unexpected]).toEqual([]);
      await gocd.pipelineHistory('no-such-pipeline').catch(() => undefined);
      expect(fake.requests.length + fake.unexpected.length).toBeGreaterThan(0);
    } finally {
      await fake.close();
    }
  });

  it('GitHub: repository, file path (each segment) and branch', async () => {
    const fake = await startGitHubFake('tok');
    try {
      fake.addRepo('nubank/aurora-jobs', { defaultBranch: 'master', files: { 'airflow/main.py': 'x = 1\n' } });
      const github = new OctokitGitHubActions(fake.url, 'tok', 2000);
      await refused(github.defaultBranch('../aurora-jobs'));
      await refused(github.defaultBranch('nubank/..'));
      for (const path of ['../secrets.py', 'airflow/../../x', 'airflow/./main.py', 'airflow//main.py', '..']) {
        await refused(github.getFile('nubank/aurora-jobs', path, 'master'));
        await refused(github.updateFile('nubank/aurora-jobs', { path, branch: 'b', content: 'y', sha: 'abc', message: 'm' }));
      }
      await refused(github.branchHead('nubank/aurora-jobs', '..'));
      await refused(github.createBranch('nubank/aurora-jobs', 'runbook/../master', 'abc'));
      expect(() => github.fileUrl('nubank/aurora-jobs', 'a/../b', 'master')).toThrow(BackendError);
      expect([...fake.requests, ...fake.unexpected]).toEqual([]);
      expect((await github.getFile('nubank/aurora-jobs', 'airflow/main.py', 'master')).content).toBe('x = 1\n');
      expect(fake.requests).toHaveLength(1);
    } finally {
      await fake.close();
    }
  });

  it('service version: SERVICE_URL_TEMPLATE substitutions', async () => {
    const fake = await startServiceVersionFake();
    try {
      for (const dot of DOTS) {
        expect(() => serviceBaseUrl(fake.template, dot, 's0')).toThrow(BackendError);
        expect(() => serviceBaseUrl(fake.template, 'metapod', dot)).toThrow(BackendError);
      }
      expect(serviceBaseUrl('https://{service}.{shard}.example.com/x', 'a/b', 's0')).toBe('https://a%2Fb.s0.example.com/x');
      expect([...fake.requests, ...fake.unexpected]).toEqual([]);
      fake.setAnswers('metapod', 's0', ['abc1234']);
      expect(await new HttpServiceVersion(2000).fetchVersion(serviceBaseUrl(fake.template, 'metapod', 's0'))).toMatchObject({ version: 'abc1234' });
      expect(fake.requests).toEqual(['s0/metapod']);
    } finally {
      await fake.close();
    }
  });
});
