import type { HealthReport } from './http-server';

/** One dependency check: resolves when fine, throws with a readable reason when not. */
export type Check = () => Promise<void>;

export interface HealthChecks {
  store: Check;
  /** Slack transport state: `http`, or the Socket Mode connection state. */
  slackTransport: () => string;
  /** Whether the Slack Web API answers with our token (auth.test). */
  slackApi: Check;
  /** How long a Slack API answer is reused, so probes do not hammer Slack (default 30 s). */
  slackCacheMs?: number;
  /** Longest wait for one check (default 3 s). */
  timeoutMs?: number;
}

export interface Health {
  /** `/healthz`: the store works and Slack can reach us (HTTP mode, or the socket is connected). */
  live: () => Promise<HealthReport>;
  /** `/readyz`: additionally, in HTTP mode, the Slack Web API answers with our token. */
  ready: () => Promise<HealthReport>;
}

/** Store and Slack are checked separately, so a report says which one is down. */
export function createHealth(checks: HealthChecks): Health {
  const timeoutMs = checks.timeoutMs ?? 3000;
  const cacheMs = checks.slackCacheMs ?? 30_000;
  let slackCache: { at: number; value: string } | undefined;

  const run = async (check: Check): Promise<string> => {
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        check(),
        new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs / 1000} s`)), timeoutMs))),
      ]);
      return 'ok';
    } catch (err) {
      return `error: ${err instanceof Error ? err.message : String(err)}`;
    } finally {
      clearTimeout(timer);
    }
  };
  const slackApi = async (): Promise<string> => {
    if (slackCache && Date.now() - slackCache.at < cacheMs) return slackCache.value;
    const value = await run(checks.slackApi);
    slackCache = { at: Date.now(), value };
    return value;
  };
  const report = async (needSlack: boolean): Promise<HealthReport> => {
    const transport = checks.slackTransport();
    const [store, api] = await Promise.all([run(checks.store), needSlack && transport === 'http' ? slackApi() : Promise.resolve(undefined)]);
    const transportUp = transport === 'http' || transport === 'connected';
    const result: Record<string, string> = { store, slack: transport };
    if (api !== undefined) result.slack_api = api;
    return { ok: store === 'ok' && transportUp && (api === undefined || api === 'ok'), checks: result };
  };
  return { live: () => report(false), ready: () => report(true) };
}
