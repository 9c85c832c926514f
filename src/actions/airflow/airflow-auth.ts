import { z } from 'zod';
import { BackendError, networkError } from '../http/errors';
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

  const fetchToken = async (signal?: AbortSignal): Promise<string> => {
    const url = `${o.baseUrl}/auth/token`;
    const timeout = AbortSignal.timeout(o.timeoutMs);
    let response: Response;
    let text: string;
    try {
      response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify({ username: o.username, password: o.password }),
        redirect: 'manual',
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
      });
      text = await response.text();
    } catch (err) {
      throw networkError('Airflow', url, err, o.timeoutMs, signal);
    }
    if (response.status === 401 || response.status === 403) {
      throw new BackendError('Airflow', 'http_status', `Airflow refused the bot's username and password at POST /auth/token (${response.status}). Check AIRFLOW_USERNAME and AIRFLOW_PASSWORD.`, response.status);
    }
    if (response.status !== 201 && response.status !== 200) throw airflowStatusError(2, 'POST', '/auth/token', response.status, response.statusText, text);
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    const login = LoginResponse.safeParse(parsed);
    // The body is not quoted: if it holds a token in an unexpected shape, it must not reach a log.
    if (!login.success) throw new BackendError('Airflow', 'http_status', 'Airflow answered POST /auth/token without an access_token the bot understands. Is AIRFLOW_URL the Airflow 3 API server?', response.status);
    const exp = jwtExpiry(login.data.access_token);
    // Without `exp` the token is kept until Airflow refuses it (a 401 renews it).
    token = { value: login.data.access_token, renewAt: exp === undefined ? Number.POSITIVE_INFINITY : exp * 1000 - RENEW_EARLY_MS };
    return login.data.access_token;
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
