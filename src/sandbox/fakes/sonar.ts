import type { IncomingMessage } from 'node:http';
import { buildSchema } from 'graphql';
import { createHandler } from 'graphql-http';
import { startHttpServer } from './http-server';

/**
 * A real GraphQL server on loopback (graphql-http + graphql-js) with a small schema mirroring the
 * part of Sonar the runbook queries: `transaction(transactionId) { datasets(committed: ...) { name } }`.
 * Queries are parsed and validated like a real server would (a misspelt field is a GraphQL error).
 * Requests to any other path, or without the expected bearer token, are recorded as unexpected.
 */

const SCHEMA = buildSchema(`
  enum CommittedFilter { ALL ONLY_COMMITTED ONLY_UNCOMMITTED }
  type Dataset { id: ID! name: String! committed: Boolean! }
  type Transaction { id: ID! datasets(committed: CommittedFilter = ALL): [Dataset!]! }
  type Query { transaction(transactionId: ID!): Transaction }
`);

export interface FakeDataset {
  name: string;
  committed: boolean;
  /** The dataset's id (`:dataset/id`, a UUID in Metapod); derived from the name when not given. */
  id?: string;
}

export interface SonarRequest {
  query: string;
  authorization?: string;
}

export interface SonarFake {
  /** The GraphQL endpoint (SONAR_URL). */
  url: string;
  requests: SonarRequest[];
  unexpected: string[];
  /** Sets a transaction's datasets (committed or not). */
  setTransaction(transactionId: string, datasets: FakeDataset[]): void;
  /** Makes every request fail with this HTTP status (e.g. 503), or stops doing so. */
  failWith(status: number | undefined): void;
  assertNoUnexpected(): void;
  close(): Promise<void>;
}

/** Starts the fake; requests must carry `Authorization: Bearer <token>`. */
export async function startSonarFake(token = 'sonar-token'): Promise<SonarFake> {
  const transactions = new Map<string, FakeDataset[]>();
  let failure: number | undefined;
  const rootValue = {
    transaction: ({ transactionId }: { transactionId: string }) => {
      const datasets = transactions.get(transactionId);
      if (!datasets) return null;
      return {
        id: transactionId,
        datasets: ({ committed }: { committed: string }) =>
          datasets
            .filter((d) => committed === 'ALL' || (committed === 'ONLY_COMMITTED') === d.committed)
            .map((d) => ({ ...d, id: d.id ?? `${transactionId}:${d.name}` })),
      };
    },
  };
  const handler = createHandler<IncomingMessage>({ schema: SCHEMA, rootValue });

  const server = await startHttpServer(async (req, res, body) => {
    const path = new URL(req.url ?? '/', 'http://fake').pathname;
    if (path !== '/graphql' || req.headers.authorization !== `Bearer ${token}`) {
      fake.unexpected.push(`${req.method ?? '?'} ${path}${req.headers.authorization === `Bearer ${token}` ? '' : ' (without the bearer token)'}`);
      res.writeHead(path === '/graphql' ? 401 : 404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'unexpected' }));
      return;
    }
    const query = (JSON.parse(body || '{}') as { query?: unknown }).query;
    fake.requests.push({ query: typeof query === 'string' ? query : '', authorization: req.headers.authorization });
    if (failure !== undefined) {
      res.writeHead(failure, { 'content-type': 'text/html' }).end('<html><body>503 Service Temporarily Unavailable</body></html>');
      return;
    }
    const [responseBody, init] = await handler({
      method: req.method ?? 'GET',
      url: req.url ?? '/',
      headers: { get: (name: string) => (req.headers[name.toLowerCase()] as string | undefined) ?? null },
      body,
      raw: req,
      context: undefined,
    });
    res.writeHead(init.status, init.statusText, init.headers).end(responseBody ?? undefined);
  });

  const fake: SonarFake = {
    url: `${server.url}/graphql`,
    requests: [],
    unexpected: [],
    setTransaction: (id, datasets) => void transactions.set(id, datasets),
    failWith: (status) => {
      failure = status;
    },
    assertNoUnexpected: () => {
      if (fake.unexpected.length > 0) throw new Error(`Sonar fake saw unexpected requests:\n  ${fake.unexpected.join('\n  ')}`);
    },
    close: () => server.close(),
  };
  return fake;
}
