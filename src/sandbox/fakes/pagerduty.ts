import { startHttpServer } from './http-server';

/** A person the fake puts on call. */
export interface FakePagerDutyUser {
  id: string;
  name: string;
  email: string;
}

/** A request the fake answered. */
export interface PagerDutyRequest {
  path: string;
  query: [string, string][];
  authorization?: string;
}

/** A strict loopback fake of PagerDuty's REST API v2 `GET /oncalls`. */
export interface PagerDutyFake {
  url: string;
  token: string;
  requests: PagerDutyRequest[];
  unexpected: string[];
  /** Who is on call, by schedule id and/or escalation policy id. */
  setOnCall(id: string, users: FakePagerDutyUser[]): void;
  /** The next `n` requests fail with this HTTP status (500: PagerDuty is down). */
  failNext(status: number, n?: number): void;
  assertNoUnexpected(): void;
  close(): Promise<void>;
}

const KNOWN_PARAMS = new Set([
  'schedule_ids[]',
  'escalation_policy_ids[]',
  'include[]',
  'limit',
  'offset',
  'time_zone',
  'since',
  'until',
  'earliest',
  'user_ids[]',
]);

/**
 * On-call entries in the shape of "List all of the on-calls" (https://developer.pagerduty.com/api-reference/,
 * REST API v2): `{ oncalls: [{ escalation_policy, escalation_level, schedule, user, start, end }], limit,
 * offset, more, total }`; with `include[]=users` the `user` is the full user object (with `email`),
 * otherwise a `user_reference`. Requests need `Authorization: Token token=<key>` and the v2 Accept header.
 */
export async function startPagerDutyFake(token = 'pd-fake-token-0123456789'): Promise<PagerDutyFake> {
  const onCall = new Map<string, FakePagerDutyUser[]>();
  const failures: number[] = [];
  const fake: Omit<PagerDutyFake, 'url' | 'close'> = {
    token,
    requests: [],
    unexpected: [],
    setOnCall: (id, users) => void onCall.set(id, users),
    failNext: (status, n = 1) => void failures.push(...Array.from({ length: n }, () => status)),
    assertNoUnexpected: () => {
      if (fake.unexpected.length > 0) throw new Error(`PagerDuty fake saw unexpected requests:\n  ${fake.unexpected.join('\n  ')}`);
    },
  };
  const server = await startHttpServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const query = [...url.searchParams.entries()];
    const authorization = req.headers.authorization;
    fake.requests.push({ path: url.pathname, query, ...(authorization ? { authorization } : {}) });
    const send = (status: number, body: unknown): void => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (req.method !== 'GET' || url.pathname !== '/oncalls') {
      fake.unexpected.push(`${req.method ?? '?'} ${url.pathname}`);
      return send(404, { error: { message: 'Not Found', code: 2100 } });
    }
    if (authorization !== `Token token=${token}`) return send(401, { error: { message: 'Unauthorized', code: 2006 } });
    if (req.headers.accept !== 'application/vnd.pagerduty+json;version=2') fake.unexpected.push(`GET /oncalls: Accept ${req.headers.accept ?? '(none)'}`);
    const unknown = query.filter(([k]) => !KNOWN_PARAMS.has(k));
    if (unknown.length > 0) {
      fake.unexpected.push(`GET /oncalls: unknown parameters ${unknown.map(([k]) => k).join(', ')}`);
      return send(400, { error: { message: 'Invalid Input Provided', code: 2001 } });
    }
    const failure = failures.shift();
    if (failure !== undefined) return send(failure, { error: { message: 'Internal Server Error', code: 2000 } });
    const ids = [...url.searchParams.getAll('schedule_ids[]'), ...url.searchParams.getAll('escalation_policy_ids[]')];
    const full = url.searchParams.getAll('include[]').includes('users');
    const entries = ids.flatMap((id) =>
      (onCall.get(id) ?? []).map((u, i) => ({
        escalation_policy: {
          id: `EP${id}`,
          type: 'escalation_policy_reference',
          summary: `Escalation for ${id}`,
          self: `https://api.pagerduty.com/escalation_policies/EP${id}`,
        },
        escalation_level: i + 1,
        schedule: { id, type: 'schedule_reference', summary: `Schedule ${id}`, self: `https://api.pagerduty.com/schedules/${id}` },
        user: full
          ? {
              id: u.id,
              type: 'user',
              summary: u.name,
              name: u.name,
              email: u.email,
              time_zone: 'America/Sao_Paulo',
              self: `https://api.pagerduty.com/users/${u.id}`,
            }
          : { id: u.id, type: 'user_reference', summary: u.name, self: `https://api.pagerduty.com/users/${u.id}` },
        start: '2026-12-05T00:00:00Z',
        end: '2026-12-12T00:00:00Z',
      })),
    );
    const limit = Math.min(100, Number(url.searchParams.get('limit') ?? 25));
    const offset = Number(url.searchParams.get('offset') ?? 0);
    const page = entries.slice(offset, offset + limit);
    send(200, { oncalls: page, limit, offset, more: offset + limit < entries.length, total: null });
  });
  return { ...fake, url: server.url, close: () => server.close() };
}
