import { ClientError, GraphQLClient } from 'graphql-request';
import { z } from 'zod';
import { backendFetch } from '../http/capped-fetch';
import { BackendError, networkError, summarizeBody } from '../http/errors';

/** The Sonar lookups the runbooks use. */
export interface SonarActions {
  /** Where the lookups go (shown in previews). */
  readonly url: string;
  /** Names of the transaction's uncommitted datasets (`dataset/x`, `model/x-avro`...); undefined when Sonar does not know the transaction. */
  uncommittedDatasets(transactionId: string, signal?: AbortSignal): Promise<string[] | undefined>;
  /** Every dataset of the transaction (id, name, whether committed); undefined when Sonar does not know the transaction. */
  transactionDatasets(transactionId: string, signal?: AbortSignal): Promise<SonarDataset[] | undefined>;
}

/** A dataset of a transaction as Sonar lists it. */
export interface SonarDataset {
  id: string;
  name: string;
  committed: boolean;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const Answer = z.object({
  transaction: z.object({ datasets: z.array(z.object({ name: z.string() })) }).nullable(),
});

const DatasetsAnswer = z.object({
  transaction: z.object({ datasets: z.array(z.object({ id: z.string(), name: z.string(), committed: z.boolean() })) }).nullable(),
});

/** Every dataset of a transaction with its id (the fields Metapod's documented `transaction` query has); the id is checked as a UUID first. */
export function transactionDatasetsQuery(transactionId: string): string {
  if (!UUID.test(transactionId)) throw new Error('a transaction id must be a UUID');
  return `query TransactionDatasets {\n  transaction(transactionId: "${transactionId}") {\n    datasets {\n      id\n      name\n      committed\n    }\n  }\n}`;
}

/**
 * The runbook's own query. The id is written into the document like the runbook does, rather than
 * passed as a variable, so the query works whatever scalar Sonar declares for `transactionId`
 * (ID, String or a UUID scalar); it is validated as a UUID first, so nothing else can be injected.
 */
export function uncommittedDatasetsQuery(transactionId: string): string {
  if (!UUID.test(transactionId)) throw new Error('a transaction id must be a UUID');
  return `query UncommittedDatasets {\n  transaction(transactionId: "${transactionId}") {\n    datasets(committed: ONLY_UNCOMMITTED) {\n      name\n    }\n  }\n}`;
}

/** Sonar's GraphQL endpoint through graphql-request. */
export class GraphqlSonarActions implements SonarActions {
  private readonly client: GraphQLClient;

  constructor(
    readonly url: string,
    token: string | undefined,
    private readonly timeoutMs = 30_000,
    maxBytes = 1024 * 1024,
  ) {
    // The shared backend fetch gives every query its deadline, the size cap and the redirect rule; graphql-request keeps reading GraphQL.
    const fetch = backendFetch({ backend: 'Sonar', timeoutMs, maxBytes });
    this.client = new GraphQLClient(url, { headers: token ? { authorization: `Bearer ${token}` } : {}, fetch });
  }

  async uncommittedDatasets(transactionId: string, signal?: AbortSignal): Promise<string[] | undefined> {
    const answer = await this.query(uncommittedDatasetsQuery(transactionId), Answer, signal);
    return answer.transaction?.datasets.map((d) => d.name);
  }

  async transactionDatasets(transactionId: string, signal?: AbortSignal): Promise<SonarDataset[] | undefined> {
    return (await this.query(transactionDatasetsQuery(transactionId), DatasetsAnswer, signal)).transaction?.datasets;
  }

  /** One query, its answer parsed with `schema`: an answer of another shape is refused, never guessed at. */
  private async query<T>(document: string, schema: z.ZodType<T>, signal?: AbortSignal): Promise<T> {
    let raw: unknown;
    try {
      raw = await this.client.request({ document, ...(signal ? { signal } : {}) });
    } catch (err) {
      throw this.toBackendError(err, signal);
    }
    const parsed = schema.safeParse(raw);
    if (!parsed.success) {
      throw new BackendError(
        'Sonar',
        'http_status',
        `Sonar answered with data the bot does not understand: ${summarizeBody(JSON.stringify(raw) ?? '', 200)}. Is SONAR_URL the GraphQL endpoint?`,
        200,
      );
    }
    return parsed.data;
  }

  private toBackendError(err: unknown, signal?: AbortSignal): BackendError {
    if (err instanceof ClientError) {
      const { status, errors, body } = err.response as { status: number; errors?: { message: string }[]; body?: string };
      if (status === 401 || status === 403)
        return new BackendError('Sonar', 'http_status', `Sonar refused the bot's credentials (${status}). Check SONAR_TOKEN.`, status);
      const said = errors?.map((e) => e.message).join('; ') || summarizeBody(body ?? '', 200);
      return new BackendError(
        'Sonar',
        'http_status',
        status >= 200 && status < 300 ? `Sonar could not answer the query: ${said}` : `Sonar answered ${status}: ${said}`,
        status,
        said,
      );
    }
    // graphql-request rethrows what its fetch throws: the shared fetch's BackendErrors (deadline, refused, too large...).
    if (err instanceof BackendError) return err;
    // A body that is not JSON at all (an HTML login page...) surfaces as a SyntaxError.
    if (err instanceof SyntaxError)
      return new BackendError('Sonar', 'http_status', `Sonar did not answer with GraphQL JSON (${this.url}). Is SONAR_URL the GraphQL endpoint?`);
    return networkError('Sonar', this.url, err, this.timeoutMs, signal);
  }
}
