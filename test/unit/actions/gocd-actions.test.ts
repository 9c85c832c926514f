import { HttpGoCdActions } from '../../../src/actions/gocd/gocd-actions';
import { BackendError } from '../../../src/actions/http/errors';
import { startGoCdFake, type GoCdFake } from '../../../src/sandbox/fakes/gocd';
import { startHttpServer } from '../../../src/sandbox/fakes/http-server';

const sha = (n: number): string => n.toString(16).padStart(2, '0').repeat(20);
const TOKEN = 'gocd-token-123';

describe('HttpGoCdActions', () => {
  let gocd: GoCdFake;
  let actions: HttpGoCdActions;
  beforeEach(async () => {
    gocd = await startGoCdFake({ token: TOKEN });
    actions = new HttpGoCdActions(gocd.url, TOKEN, 2000);
  });
  afterEach(async () => {
    gocd.assertNoUnexpected();
    await gocd.close();
  });

  it('reads a pipeline history: build number, full SHA, author, message, scheduled time, state', async () => {
    gocd.setRuns('metapod', [
      {
        pipeline: 'metapod',
        counter: 41,
        sha: sha(41),
        author: 'Ana <ana@example.com>',
        message: 'Fix the index',
        scheduledAt: new Date('2026-11-23T10:00:00Z'),
      },
      { pipeline: 'metapod', counter: 42, sha: sha(42), state: 'failed' },
      { pipeline: 'metapod', counter: 43, sha: sha(43), state: 'building' },
    ]);
    const runs = await actions.pipelineHistory('metapod', { limit: 5 });
    expect(runs.map((r) => [r.counter, r.commit?.revision, r.state])).toEqual([
      [43, sha(43), 'running'],
      [42, sha(42), 'failed'],
      [41, sha(41), 'passed'],
    ]);
    expect(runs[2]).toMatchObject({
      label: '41',
      scheduledAt: '2026-11-23T10:00:00.000Z',
      commit: { author: 'Ana <ana@example.com>', message: 'Fix the index' },
    });
    expect(gocd.requests[0]).toMatchObject({ path: '/go/api/pipelines/metapod/history', query: { page_size: '10' } });
    expect(gocd.requests[0]!.headers).toMatchObject({ accept: 'application/vnd.go.cd.v1+json', authorization: `bearer ${TOKEN}` });
  });

  it('follows next links until it has enough runs, and stops there', async () => {
    gocd.setRuns(
      'metapod',
      Array.from({ length: 35 }, (_, i) => ({ pipeline: 'metapod', counter: i + 1, sha: sha(i + 1) })),
    );
    const runs = await actions.pipelineHistory('metapod', { limit: 12 });
    expect(runs.map((r) => r.counter)).toEqual([35, 34, 33, 32, 31, 30, 29, 28, 27, 26, 25, 24]);
    expect(gocd.requests.map((r) => r.query)).toEqual([{ page_size: '12' }]);
    const all = await actions.runsSince(['metapod'], new Date('2026-01-01T00:00:00Z'));
    expect(all).toHaveLength(35);
    expect(gocd.requests.slice(1).map((r) => r.query.after)).toEqual([undefined, '26', '16', '6']);
  });

  it('tells whether a pipeline is running (building or scheduled), and which run', async () => {
    gocd.setRuns('to-prod', [
      { pipeline: 'to-prod', counter: 7, upstream: ['metapod/41/release/1'] },
      { pipeline: 'to-prod', counter: 8, upstream: ['metapod/42/release/1'], state: 'scheduled' },
    ]);
    const running = await actions.runningRuns('to-prod');
    expect(running.map((r) => r.counter)).toEqual([8]);
    expect(running[0]!.commit).toBeUndefined();
    expect(running[0]!.commits).toEqual([expect.objectContaining({ revision: 'metapod/42/release/1', material: 'metapod' })]);
    gocd.setRuns('to-prod', [{ pipeline: 'to-prod', counter: 9, state: 'failed' }]);
    expect(await actions.runningRuns('to-prod')).toEqual([]);
  });

  it('lists the runs of the last hours across several pipelines, newest first', async () => {
    const at = (h: number): Date => new Date(Date.UTC(2026, 10, 24, h));
    gocd.setRuns(
      'itaipu',
      Array.from({ length: 15 }, (_, i) => ({ pipeline: 'itaipu', counter: i + 1, sha: sha(i + 1), scheduledAt: at(i) })),
    );
    gocd.setRuns('aurora-jobs', [
      { pipeline: 'aurora-jobs', counter: 3, sha: sha(3), scheduledAt: at(13) },
      { pipeline: 'aurora-jobs', counter: 2, sha: sha(2), scheduledAt: at(1) },
    ]);
    const runs = await actions.runsSince(['itaipu', 'aurora-jobs'], at(10));
    expect(runs.map((r) => `${r.pipeline}/${r.counter}`)).toEqual(['itaipu/15', 'itaipu/14', 'aurora-jobs/3', 'itaipu/13', 'itaipu/12', 'itaipu/11']);
    // One page answered the question for each pipeline.
    expect(gocd.requests.map((r) => r.path)).toEqual(['/go/api/pipelines/itaipu/history', '/go/api/pipelines/aurora-jobs/history']);
  });

  it('maps a missing pipeline, a refused token and a server error to BackendErrors written for people', async () => {
    await expect(actions.pipelineHistory('nope')).rejects.toMatchObject({
      code: 'http_status',
      status: 404,
      message: 'GoCD has no pipeline `nope` (or GOCD_TOKEN may not see it).',
    });
    const refused = await new HttpGoCdActions(gocd.url, 'wrong', 2000).runningRuns('to-prod').catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(BackendError);
    expect((refused as Error).message).toBe('GoCD refused the request (401): check GOCD_TOKEN and its permissions on `to-prod`.');
    gocd.failPipeline('metapod', 502, '<html>Bad gateway</html>');
    await expect(actions.pipelineHistory('metapod')).rejects.toMatchObject({
      message: 'GoCD answered 502 Bad Gateway for `metapod`: <html>Bad gateway</html>',
    });
  });

  it('refuses a body that is not a pipeline history', async () => {
    const server = await startHttpServer((_req, res) => {
      res.end('{"pipelines": "nope"}');
    });
    try {
      await expect(new HttpGoCdActions(`${server.url}/go`, undefined, 2000).pipelineHistory('x')).rejects.toMatchObject({
        code: 'unreadable_answer',
        message: "could not read GoCD's answer: pipelines",
      });
    } finally {
      await server.close();
    }
  });

  it('reports an unreachable server clearly', async () => {
    const closed = await startGoCdFake();
    await closed.close();
    await expect(new HttpGoCdActions(closed.url, undefined, 2000).runningRuns('to-prod')).rejects.toMatchObject({
      code: 'connection_refused',
      message: expect.stringContaining('Could not connect to GoCD'),
    });
  });
});
