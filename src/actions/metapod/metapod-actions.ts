import { BackendError, networkError, summarizeBody } from '../http/errors';
import { pathSegment } from '../http/path-segment';

export const RETRACT_KINDS = ['attribute', 'indexed-attribute', 'committed-dataset'] as const;
export type RetractKind = (typeof RETRACT_KINDS)[number];

export interface RetractResult {
  status: number;
  summary: string;
  durationMs: number;
  /** The request id Metapod returned, when it sends one. */
  requestId?: string;
}

/** The Metapod calls the runbooks use. */
export interface MetapodActions {
  /** The exact URL a retraction is sent to (shown in previews). */
  retractUrl(kind: RetractKind, id: string): string;
  /** POSTs an empty body to the retraction migration; throws BackendError unless Metapod answers 2xx. */
  retract(kind: RetractKind, id: string, signal?: AbortSignal): Promise<RetractResult>;
}

const MAX_BODY_BYTES = 64 * 1024;

/** Metapod over HTTP with Node's fetch. */
export class HttpMetapodActions implements MetapodActions {
  constructor(
    private readonly baseUrl: string,
    private readonly timeoutMs: number,
  ) {}

  retractUrl(kind: RetractKind, id: string): string {
    return `${this.baseUrl}/api/migrations/retract/${pathSegment('Metapod', 'retraction kind', kind)}/${pathSegment('Metapod', 'id', id)}`;
  }

  async retract(kind: RetractKind, id: string, signal?: AbortSignal): Promise<RetractResult> {
    const url = this.retractUrl(kind, id);
    const started = Date.now();
    const timeout = AbortSignal.timeout(this.timeoutMs);
    let response: Response;
    let text: string;
    try {
      response = await fetch(url, {
        method: 'POST',
        body: '',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        redirect: 'manual',
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
      });
      text = (await response.text()).slice(0, MAX_BODY_BYTES);
    } catch (err) {
      throw networkError('Metapod', url, err, this.timeoutMs, signal);
    }
    const durationMs = Date.now() - started;
    const summary = summarizeBody(text);
    if (response.status < 200 || response.status >= 300) {
      throw new BackendError('Metapod', 'http_status', `Metapod answered ${response.status} ${response.statusText}: ${summary}`, response.status, summary);
    }
    const requestId = response.headers.get('x-request-id') ?? response.headers.get('x-correlation-id') ?? undefined;
    return { status: response.status, summary, durationMs, requestId };
  }
}
