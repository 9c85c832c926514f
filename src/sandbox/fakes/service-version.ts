import { startHttpServer } from './http-server';

/** What one `/api/version` request gets: a version (as `{"version": ...}`), or a status and body. */
export type VersionAnswer = string | { status: number; body: string };

/** A running strict fake of services behind their load balancers: `GET /<shard>/<service>/api/version`. */
export interface ServiceVersionFake {
  url: string;
  /** A SERVICE_URL_TEMPLATE pointing at this fake. */
  template: string;
  /** Requests by `<shard>/<service>`. */
  requests: string[];
  unexpected: string[];
  /** Answers in turn, round robin, like a load balancer over instances of both colors. */
  setAnswers(service: string, shard: string, answers: VersionAnswer[]): void;
  assertNoUnexpected(): void;
  close(): Promise<void>;
}

/** Starts the fake; unknown services and paths are recorded as unexpected. */
export async function startServiceVersionFake(): Promise<ServiceVersionFake> {
  const answers = new Map<string, { list: VersionAnswer[]; next: number }>();
  const server = await startHttpServer((req, res) => {
    const m = /^\/([\w-]+)\/([\w-]+)\/api\/version$/.exec(req.url ?? '');
    const entry = m ? answers.get(`${m[1]}/${m[2]}`) : undefined;
    if (req.method !== 'GET' || !m || !entry || entry.list.length === 0) {
      fake.unexpected.push(`${req.method ?? '?'} ${req.url ?? ''}`);
      res.writeHead(404).end('not found');
      return;
    }
    fake.requests.push(`${m[1]}/${m[2]}`);
    const answer = entry.list[entry.next % entry.list.length]!;
    entry.next += 1;
    if (typeof answer === 'string') res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ version: answer }));
    else res.writeHead(answer.status, { 'content-type': 'text/plain' }).end(answer.body);
  });
  const fake: ServiceVersionFake = {
    url: server.url,
    template: `${server.url}/{shard}/{service}`,
    requests: [],
    unexpected: [],
    setAnswers(service, shard, list) {
      answers.set(`${shard}/${service}`, { list, next: 0 });
    },
    assertNoUnexpected() {
      if (fake.unexpected.length > 0) throw new Error(`Service fake saw unexpected requests:\n  ${fake.unexpected.join('\n  ')}`);
    },
    close: () => server.close(),
  };
  return fake;
}
