import { BackendError } from '../actions/http/errors';

/** Where a failed backend call is counted. */
export interface BackendErrorSink {
  backendError(adapter: string, code: string): void;
}

/**
 * Wraps an adapter so every method that rejects is counted by adapter and error code, then rethrown
 * unchanged. Adapters stay free of metrics code; the wiring (bot.ts) wraps each one once.
 */
export function instrumentAdapter<T extends object>(adapter: T, name: string, sink: BackendErrorSink): T {
  return new Proxy(adapter, {
    get(target, prop, receiver) {
      const value: unknown = Reflect.get(target, prop, receiver);
      if (typeof value !== 'function') return value;
      return function (this: unknown, ...args: unknown[]): unknown {
        const count = (err: unknown): never => {
          sink.backendError(name, codeOf(err));
          throw err;
        };
        let result: unknown;
        try {
          result = (value as (...a: unknown[]) => unknown).apply(target, args);
        } catch (err) {
          return count(err);
        }
        return result instanceof Promise ? result.catch(count) : result;
      };
    },
  });
}

function codeOf(err: unknown): string {
  if (err instanceof BackendError) return err.code;
  const code = (err as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' && /^[\w.-]{1,40}$/.test(code) ? code : 'unexpected';
}
