import { startHttpServer } from './http-server';

/** A request the fake answered. */
export interface OpsgenieRequest {
  path: string;
  query: Record<string, string>;
  authorization?: string;
}

/** A strict loopback fake of Opsgenie's Who-is-on-call API (`GET /v2/schedules/{identifier}/on-calls`). */
export interface OpsgenieFake {
  url: string;
  apiKey: string;
  requests: OpsgenieRequest[];
  unexpected: string[];
  /** Who is on call (their Opsgenie usernames, which are e-mail addresses) for a schedule, known by id and name. */
  setOnCall(schedule: { id: string; name: string }, emails: string[]): void;
  failNext(status: number, n?: number): void;
  assertNoUnexpected(): void;
  close(): Promise<void>;
}

/**
 * Answers in the documented shape (https://docs.opsgenie.com/docs/who-is-on-call-api, "Get On Calls"):
 * with `flat=true`, `{ data: { _parent: { id, name, enabled }, onCallRecipients: [...] }, took, requestId }`;
 * an unknown schedule is 404 with `{ message, took, requestId }`. Requests need `Authorization: GenieKey <key>`.
 */
export async function startOpsgenieFake(apiKey = 'og-fake-key-0123456789'): Promise<OpsgenieFake> {
  const schedules: { id: string; name: string; emails: string[] }[] = [];
  const failures: number[] = [];
  const fake: Omit<OpsgenieFake, 'url' | 'close'> = {
    apiKey,
    requests: [],
    unexpected: [],
    setOnCall: (schedule, emails) => {
      const i = schedules.findIndex((s) => s.id === schedule.id);
      if (i >= 0) schedules.splice(i, 1);
      schedules.push({ ...schedule, emails });
    },
    failNext: (status, n = 1) => void failures.push(...Array.from({ length: n }, () => status)),
    assertNoUnexpected: () => {
      if (fake.unexpected.length > 0) throw new Error(`Opsgenie fake saw unexpected requests:\n  ${fake.unexpected.join('\n  ')}`);
    },
  };
  let requestCounter = 0;
  const server = await startHttpServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const query = Object.fromEntries(url.searchParams.entries());
    const authorization = req.headers.authorization;
    fake.requests.push({ path: url.pathname, query, ...(authorization ? { authorization } : {}) });
    const requestId = `req-${++requestCounter}`;
    const send = (status: number, body: Record<string, unknown>): void => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ ...body, took: 0.01, requestId }));
    };
    const parts = url.pathname.split('/');
    if (req.method !== 'GET' || parts.length !== 5 || parts[1] !== 'v2' || parts[2] !== 'schedules' || parts[4] !== 'on-calls') {
      fake.unexpected.push(`${req.method ?? '?'} ${url.pathname}`);
      return send(404, { message: 'Not found' });
    }
    if (authorization !== `GenieKey ${apiKey}`) return send(401, { message: 'Could not authenticate' });
    const unknown = Object.keys(query).filter((k) => !['scheduleIdentifierType', 'flat', 'date'].includes(k));
    if (unknown.length > 0) fake.unexpected.push(`GET on-calls: unknown parameters ${unknown.join(', ')}`);
    if (query.flat !== 'true') fake.unexpected.push('GET on-calls without flat=true: the bot reads onCallRecipients');
    const failure = failures.shift();
    if (failure !== undefined) return send(failure, { message: 'Internal error' });
    const identifier = decodeURIComponent(parts[3]!);
    const type = query.scheduleIdentifierType ?? 'id';
    const schedule = schedules.find((s) => (type === 'name' ? s.name === identifier : s.id === identifier));
    if (!schedule) return send(404, { message: `Schedule with ${type} [${identifier}] does not exist` });
    send(200, { data: { _parent: { id: schedule.id, name: schedule.name, enabled: true }, onCallRecipients: schedule.emails } });
  });
  return { ...fake, url: server.url, close: () => server.close() };
}
