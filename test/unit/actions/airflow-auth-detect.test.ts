import { jwtExpiry } from '../../../src/actions/airflow/airflow-auth';
import { HttpAirflowActions } from '../../../src/actions/airflow/http-airflow-actions';
import { startAirflowFake, type AirflowFake } from '../../../src/sandbox/fakes/airflow';
import { startAirflowV2Fake } from '../../../src/sandbox/fakes/airflow-v2';

const RUN = 'manual__2026-11-24T06:00:00+00:00';

function seed(airflow: AirflowFake): void {
  airflow.addDag('dagao', { 'itaipu-contracts': [] });
  // An Airflow 3 manual run without a logical date: run_after is what orders it.
  airflow.addRun('dagao', {
    dagRunId: RUN,
    state: 'failed',
    executionDate: '2026-11-24T06:00:00+00:00',
    logicalDate: null,
    tasks: { 'itaipu-contracts': 'failed' },
  });
}

describe('Airflow 3 JWT flow (against the v2 fake)', () => {
  let airflow: AirflowFake;
  let clock: number;
  const now = (): number => clock;
  afterEach(async () => {
    await airflow.close();
    airflow.assertNoUnexpected();
  });

  it('gets one token, reuses it, renews it a minute before exp, and never sends Basic credentials', async () => {
    clock = Date.parse('2026-11-24T07:00:00Z');
    airflow = await startAirflowV2Fake({ username: 'bot', password: 'pw' }, { tokenTtlSeconds: 3600, now });
    seed(airflow);
    const logs: string[] = [];
    const actions = new HttpAirflowActions({
      url: airflow.url,
      username: 'bot',
      password: 'pw',
      now,
      log: (fields, message) => logs.push(`${message} ${JSON.stringify(fields)}`),
    });
    const [run] = await actions.listDagRuns('dagao');
    expect(run).toMatchObject({ dagRunId: RUN, executionDate: undefined, runAfter: '2026-11-24T06:00:00+00:00' });
    await actions.getDagRun('dagao', RUN);
    const tokenCalls = (): AirflowFake['requests'] => airflow.requests.filter((r) => r.path === '/auth/token');
    expect(tokenCalls()).toHaveLength(1);
    expect(tokenCalls()[0]!.body).toEqual({ username: 'bot', password: 'pw' });
    // 59 minutes later: inside the last minute, so renewed before Airflow would refuse it.
    clock += 59 * 60_000 + 1000;
    await actions.getDagRun('dagao', RUN);
    expect(tokenCalls()).toHaveLength(2);
    expect(airflow.requests.filter((r) => r.path.startsWith('/api/v2/dags')).every((r) => r.authorized && r.scheme === 'bearer')).toBe(true);
    expect(airflow.requests.some((r) => r.scheme === 'basic' || /^basic/i.test(String(r.headers.authorization ?? '')))).toBe(false);
    // Detection is logged once, without any credential or token.
    expect(logs).toHaveLength(1);
    expect(logs[0]).toMatch(/Airflow API detected: \/api\/v2 \(Airflow 3\.1\.3\)/);
    expect(logs[0]).not.toMatch(/pw|eyJ/);
  });

  it('renews the token once after a 401 and retries; a second 401 is an error', async () => {
    clock = Date.now();
    airflow = await startAirflowV2Fake({ username: 'bot', password: 'pw' }, { now });
    seed(airflow);
    const actions = new HttpAirflowActions({ url: airflow.url, username: 'bot', password: 'pw', apiVersion: '2', now });
    await actions.getDagRun('dagao', RUN);
    airflow.revokeTokens();
    await expect(actions.getDagRun('dagao', RUN)).resolves.toMatchObject({ state: 'failed' });
    expect(airflow.requests.filter((r) => r.path === '/auth/token')).toHaveLength(2);
    // Every token the fake issues is refused from now on: one renewal, then the error.
    airflow.override((r) => (r.path.startsWith('/api/') ? { status: 401, body: { detail: 'Not authenticated' } } : undefined));
    const before = airflow.requests.length;
    await expect(actions.getDagRun('dagao', RUN)).rejects.toMatchObject({
      status: 401,
      message: expect.stringContaining('AIRFLOW_USERNAME and AIRFLOW_PASSWORD'),
    });
    expect(airflow.requests.slice(before).map((r) => r.path)).toEqual([
      `/api/v2/dags/dagao/dagRuns/${encodeURIComponent(RUN)}`,
      '/auth/token',
      `/api/v2/dags/dagao/dagRuns/${encodeURIComponent(RUN)}`,
    ]);
  });

  it('refused credentials at /auth/token say so, without quoting a token', async () => {
    airflow = await startAirflowV2Fake({ username: 'bot', password: 'pw' });
    seed(airflow);
    const actions = new HttpAirflowActions({ url: airflow.url, username: 'bot', password: 'wrong', apiVersion: '2' });
    await expect(actions.listDagRuns('dagao')).rejects.toMatchObject({ status: 401, message: expect.stringContaining('POST /auth/token') });
    airflow.override((r) => (r.path === '/auth/token' ? { status: 201, body: { token: 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJib3QifQ.sig' } } : undefined));
    const err = await new HttpAirflowActions({ url: airflow.url, username: 'bot', password: 'pw', apiVersion: '2' })
      .listDagRuns('dagao')
      .catch((e: unknown) => e);
    expect((err as Error).message).toContain("could not read Airflow's answer to POST /auth/token: access_token");
    expect(JSON.stringify(err)).not.toContain('eyJ');
  });

  it('reads exp from a JWT without verifying it', () => {
    const b64 = (v: unknown): string => Buffer.from(JSON.stringify(v)).toString('base64url');
    expect(jwtExpiry(`${b64({ alg: 'none' })}.${b64({ sub: 'bot', exp: 1_800_000_000 })}.x`)).toBe(1_800_000_000);
    expect(jwtExpiry('not-a-jwt')).toBeUndefined();
    expect(jwtExpiry(`${b64({})}.${b64({ sub: 'bot' })}.x`)).toBeUndefined();
  });
});

describe('AIRFLOW_API_VERSION', () => {
  let airflow: AirflowFake | undefined;
  afterEach(async () => {
    await airflow?.close();
    airflow = undefined;
  });

  it('auto on Airflow 2: v2 probe 404, v1 found; Basic credentials only on /api/v1, probes without credentials', async () => {
    airflow = await startAirflowFake({ username: 'bot', password: 'pw' });
    seed(airflow);
    const actions = new HttpAirflowActions({ url: airflow.url, username: 'bot', password: 'pw' });
    await Promise.all([actions.listDagRuns('dagao'), actions.getDagRun('dagao', RUN)]);
    expect(airflow.requests.filter((r) => r.path.endsWith('/version')).map((r) => [r.path, r.headers.authorization])).toEqual([
      ['/api/v2/version', undefined],
      ['/api/v1/version', undefined],
    ]);
    expect(airflow.foreign).toEqual(['GET /api/v2/version']);
    expect(airflow.requests.filter((r) => r.scheme === 'basic').every((r) => r.path.startsWith('/api/v1/'))).toBe(true);
  });

  it('a fixed generation never probes, and the wrong one fails with the reason (the other generation\'s 404 is no "not found")', async () => {
    airflow = await startAirflowV2Fake({ username: 'bot', password: 'pw' });
    seed(airflow);
    const v1 = new HttpAirflowActions({ url: airflow.url, username: 'bot', password: 'pw', apiVersion: '1' });
    const err = await v1.getDagRun('dagao', RUN).catch((e: unknown) => e);
    expect(err).toMatchObject({ status: 404, message: expect.stringContaining('Is this an Airflow 3 server (no /api/v1)?') });
    expect((err as { constructor: { name: string } }).constructor.name).toBe('BackendError');
    expect(airflow.requests.filter((r) => r.path.endsWith('/version'))).toEqual([]);
  });

  it('auto: neither version route is an error naming AIRFLOW_URL; a 5xx probe is retried at the next call', async () => {
    airflow = await startAirflowV2Fake();
    seed(airflow);
    airflow.override((r) => (r.path.endsWith('/version') ? { status: 404, body: { detail: 'Not Found' } } : undefined));
    const actions = new HttpAirflowActions({ url: airflow.url, username: 'bot', password: 'secret' });
    await expect(actions.listDagRuns('dagao')).rejects.toMatchObject({ message: expect.stringContaining('is AIRFLOW_URL the Airflow webserver') });
    airflow.override((r) => (r.path.endsWith('/version') ? { status: 503, body: { detail: 'starting' } } : undefined));
    await expect(actions.listDagRuns('dagao')).rejects.toMatchObject({ status: 503 });
    airflow.override(undefined);
    await expect(actions.listDagRuns('dagao')).resolves.toHaveLength(1);
  });
});
