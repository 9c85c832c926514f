import { z } from 'zod';
import { BackendError, summarizeBody } from '../http/errors';

/**
 * A 404 that Airflow documents for a resource that does not exist (no such DAG, run, task instance or log),
 * as opposed to a 404 of the route itself (wrong API generation, wrong AIRFLOW_URL), which is a plain
 * BackendError: only this one may be read as "not found".
 */
export class AirflowNotFound extends BackendError {}

/** True when `err` says Airflow has no such resource (never for a route that does not exist). */
export function isAirflowNotFound(err: unknown): err is AirflowNotFound {
  return err instanceof AirflowNotFound;
}

/** Airflow 2's error body (RFC 7807 problem details, spec v1.yaml `Error`). */
const V1Problem = z.object({ title: z.string(), status: z.number(), detail: z.string().nullish(), type: z.string().optional() });
/** Airflow 3's error bodies (v2 spec `HTTPExceptionResponse`, and `HTTPValidationError` for 422). */
const V2Exception = z.object({ detail: z.union([z.string(), z.record(z.string(), z.unknown())]) });
const V2Validation = z.object({ detail: z.array(z.object({ loc: z.array(z.union([z.string(), z.number()])), msg: z.string(), type: z.string() })) });

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** What Airflow said in an error body, in one line (the raw body, shortened, when it is not Airflow's shape). */
function said(generation: 1 | 2, text: string): { words: string; airflowShaped: boolean } {
  const body = safeJson(text);
  if (generation === 1) {
    const p = V1Problem.safeParse(body);
    if (p.success) return { words: p.data.detail ?? p.data.title, airflowShaped: true };
  } else {
    const v = V2Validation.safeParse(body);
    if (v.success) return { words: v.data.detail.map((d) => `${d.loc.join('.')}: ${d.msg}`).join('; '), airflowShaped: true };
    const e = V2Exception.safeParse(body);
    // FastAPI's own answer for a path no route matches is exactly {"detail": "Not Found"}.
    if (e.success && e.data.detail !== 'Not Found')
      return { words: typeof e.data.detail === 'string' ? e.data.detail : JSON.stringify(e.data.detail), airflowShaped: true };
  }
  return { words: summarizeBody(text, 200), airflowShaped: false };
}

/** The BackendError for a non-2xx answer, with a message for the on-call engineer. */
export function airflowStatusError(generation: 1 | 2, method: string, path: string, status: number, statusText: string, text: string): BackendError {
  const where = `${method} ${path.split('?')[0]}`;
  const { words, airflowShaped } = said(generation, text);
  const body = summarizeBody(text);
  if (status === 404 && airflowShaped) return new AirflowNotFound('Airflow', 'http_status', `Airflow has no such resource (${where}): ${words}`, status, body);
  if (status === 404) {
    const hint =
      generation === 1
        ? 'Is this an Airflow 3 server (no /api/v1)? Set AIRFLOW_API_VERSION=auto or 2.'
        : 'Is this an Airflow 2 server (no /api/v2)? Set AIRFLOW_API_VERSION=auto or 1.';
    return new BackendError(
      'Airflow',
      'http_status',
      `Airflow answered 404 to ${where}, and not with its own "not found" answer: the URL does not exist on this server. ${hint} (Check AIRFLOW_URL too.) It said: ${words}`,
      status,
      body,
    );
  }
  if (status === 401)
    return new BackendError(
      'Airflow',
      'http_status',
      `Airflow refused the bot's credentials (401) for ${where}. Check AIRFLOW_USERNAME and AIRFLOW_PASSWORD.`,
      status,
      body,
    );
  if (status === 403)
    return new BackendError(
      'Airflow',
      'http_status',
      `Airflow's user for the bot may not do ${where} (403): ${words}. Ask an Airflow admin to grant the permission (see the README).`,
      status,
      body,
    );
  if (status === 406)
    return new BackendError('Airflow', 'http_status', `Airflow cannot answer ${where} in the format the bot asked for (406): ${words}`, status, body);
  if (status === 422 || status === 400)
    return new BackendError('Airflow', 'http_status', `Airflow rejected the request ${where} (${status}): ${words}`, status, body);
  return new BackendError('Airflow', 'http_status', `Airflow answered ${status} ${statusText} to ${where}: ${words}`, status, body);
}
