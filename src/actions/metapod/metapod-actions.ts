import { BackendClient } from '../http/backend-client';
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

/** Metapod over HTTP through the shared backend client. */
export class HttpMetapodActions implements MetapodActions {
  private readonly http: BackendClient;

  constructor(
    private readonly baseUrl: string,
    timeoutMs: number,
  ) {
    this.http = new BackendClient({ backend: 'Metapod', timeoutMs, maxBytes: 64 * 1024 });
  }

  retractUrl(kind: RetractKind, id: string): string {
    return `${this.baseUrl}/api/migrations/retract/${pathSegment('Metapod', 'retraction kind', kind)}/${pathSegment('Metapod', 'id', id)}`;
  }

  async retract(kind: RetractKind, id: string, signal?: AbortSignal): Promise<RetractResult> {
    const started = Date.now();
    const answer = await this.http.request({ method: 'POST', url: this.retractUrl(kind, id), body: '', contentType: 'application/json', signal });
    const requestId = answer.headers.get('x-request-id') ?? answer.headers.get('x-correlation-id') ?? undefined;
    return { status: answer.status, summary: answer.excerpt, durationMs: Date.now() - started, requestId };
  }
}
