import { HttpServiceVersion, isVersion, parseVersionBody, pollVersion, type PollRule } from '../../../src/actions/service-health/service-version';
import { startServiceVersionFake, type ServiceVersionFake } from '../../../src/sandbox/fakes/service-version';

const NEW = 'c0ffee1';
const OLD = 'badbad0';
const SOME: PollRule = { mode: 'some', needed: 3, window: 6, intervalMs: 5, timeoutMs: 2000 };

describe('service version checks', () => {
  let svc: ServiceVersionFake;
  const http = new HttpServiceVersion(1000);
  beforeEach(async () => {
    svc = await startServiceVersionFake();
  });
  afterEach(async () => {
    svc.assertNoUnexpected();
    await svc.close();
  });

  it('reads versions from JSON, plain text, full SHAs and name:sha', () => {
    expect(parseVersionBody('{"version":"c0ffee1"}')).toBe('c0ffee1');
    expect(parseVersionBody('{"git_sha":"c0ffee1234"}')).toBe('c0ffee1234');
    expect(parseVersionBody('c0ffee1\n')).toBe('c0ffee1');
    expect(parseVersionBody('<html>oops</html>')).toBeUndefined();
    expect(isVersion('c0ffee1234567890', NEW)).toBe(true);
    expect(isVersion('metapod:c0ffee1', NEW)).toBe(true);
    expect(isVersion('c0ffe', NEW)).toBe(false);
    expect(isVersion(OLD, NEW)).toBe(false);
  });

  it('succeeds while both colors answer, once the new SHA is seen 3 times and nothing errs', async () => {
    svc.setAnswers('metapod', 'global', [OLD, NEW]);
    const result = await pollVersion(http, `${svc.url}/global/metapod`, NEW, SOME);
    expect(result.ok).toBe(true);
    expect(result.samples).toHaveLength(6);
    expect(result.summary).toBe(`3 of the last 6 answers were ${NEW}; 0 errors; also seen: ${OLD}`);
  });

  it('in "all" mode needs a whole window of the new SHA; times out with a report of what was seen', async () => {
    svc.setAnswers('metapod', 'global', [NEW, NEW, NEW, { status: 503, body: 'warming up' }]);
    const result = await pollVersion(http, `${svc.url}/global/metapod`, NEW, { mode: 'all', needed: 0, window: 4, intervalMs: 5, timeoutMs: 200 });
    expect(result.ok).toBe(false);
    expect(result.summary).toBe('3 of the last 4 answers were c0ffee1; 1 error');
    expect(result.samples.find((s) => s.error)).toMatchObject({ status: 503, error: 'HTTP 503: warming up' });
  });

  it('stops when the step is aborted, and reports an unreachable service as an error sample', async () => {
    svc.setAnswers('metapod', 'global', [OLD]);
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('timed out')), 50);
    const result = await pollVersion(http, `${svc.url}/global/metapod`, NEW, { ...SOME, timeoutMs: 60_000 }, controller.signal);
    expect(result.ok).toBe(false);
    const closed = await startServiceVersionFake();
    await closed.close();
    expect(await http.fetchVersion(`${closed.url}/global/metapod`)).toMatchObject({ error: expect.stringContaining('connection refused') });
  });
});
