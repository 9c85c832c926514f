import { z } from 'zod';
import { BackendClient, parseAnswer } from '../http/backend-client';
import { BackendError } from '../http/errors';
import { airflowStatusError } from './airflow-errors';

/** How a request to Airflow is authenticated. */
export interface AirflowAuth {
  /** The Authorization header value (undefined: none). */
  header(signal?: AbortSignal): Promise<string | undefined>;
  /** Called after a 401: true when a fresh credential may help (the request is then retried once). */
  renew(): boolean;
}

/** No credentials (AIRFLOW_USERNAME unset). */
export const NO_AUTH: AirflowAuth = { header: () => Promise.resolve(undefined), renew: () => false };

/** Airflow 2's basic auth backend (`airflow.api.auth.backend.basic_auth`). Never used with an Airflow 3 server. */
export function basicAuth(username: string, password: string): AirflowAuth {
  const value = `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
  return { header: () => Promise.resolve(value), renew: () => false };
}

/** `POST /auth/token` answer (simple and FAB auth managers: operationId create_token, 201 LoginResponse). */
const LoginResponse = z.object({ access_token: z.string().min(1) });
/** The JWT claims we read; the signature is Airflow's business, we only need to know when it expires. */
const Claims = z.object({ exp: z.number().optional() });

/** Renew this long before the token's `exp`, so a request never leaves with a token about to expire. */
const RENEW_EARLY_MS = 60_000;

/** Seconds-since-epoch expiry of a JWT, read without verifying it (undefined when it has none or is not a JWT). */
export function jwtExpiry(token: string): number | undefined {
  const payload = token.split('.')[1];
  if (!payload) return undefined;
  try {
    const claims = Claims.safeParse(JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')));
    return claims.success ? claims.data.exp : undefined;
  } catch {
    return undefined;
  }
}

export interface TokenAuthOptions {
  baseUrl: string;
  username: string;
  password: string;
  timeoutMs: number;
  now?: () => number;
}

/**
 * Airflow 3's JWT flow: the username and password go only in the JSON body of `POST /auth/token`; API calls carry
 * `Authorization: Bearer <token>`. The token is renewed shortly before it expires and once after a 401. It is never
 * logged and never put in an error message.
 */
export function tokenAuth(o: TokenAuthOptions): AirflowAuth {
  const now = o.now ?? Date.now;
  let token: { value: string; renewAt: number } | undefined;
  let pending: Promise<string> | undefined;

  // No auth headers: the credentials travel only in this request's body, and never appear in an error.
  const http = new BackendClient({ backend: 'Airflow', timeoutMs: o.timeoutMs, secrets: [o.password] });
  const fetchToken = async (signal?: AbortSignal): Promise<string> => {
    const answer = await http.send({ method: 'POST', url: `${o.baseUrl}/auth/token`, json: { username: o.username, password: o.password }, signal });
    if (answer.status === 401 || answer.status === 403) {
      throw new BackendError(
        'Airflow',
        'http_status',
        `Airflow refused the bot's username and password at POST /auth/token (${answer.status}). Check AIRFLOW_USERNAME and AIRFLOW_PASSWORD.`,
        answer.status,
      );
    }
    if (answer.status !== 201 && answer.status !== 200) {
      const err = airflowStatusError(2, 'POST', '/auth/token', answer.status, answer.statusText, answer.text);
      err.message = answer.redact(err.message);
      throw err;
    }
    let login: z.infer<typeof LoginResponse>;
    try {
      login = parseAnswer('Airflow', LoginResponse, answer);
    } catch {
      // The body is not quoted: if it holds a token in an unexpected shape, it must not reach a log.
      throw new BackendError(
        'Airflow',
        'unreadable_answer',
        "could not read Airflow's answer to POST /auth/token: access_token. Is AIRFLOW_URL the Airflow 3 API server?",
        answer.status,
      );
    }
    const exp = jwtExpiry(login.access_token);
    // Without `exp` the token is kept until Airflow refuses it (a 401 renews it).
    token = { value: login.access_token, renewAt: exp === undefined ? Number.POSITIVE_INFINITY : exp * 1000 - RENEW_EARLY_MS };
    return login.access_token;
  };

  return {
    async header(signal) {
      if (token && now() < token.renewAt) return `Bearer ${token.value}`;
      // One token request at a time: concurrent calls share it.
      pending ??= fetchToken(signal).finally(() => {
        pending = undefined;
      });
      return `Bearer ${await pending}`;
    },
    renew() {
      token = undefined;
      return true;
    },
  };
}
