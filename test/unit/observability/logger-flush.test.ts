import { createLogger } from '../../../src/observability/logger';

describe('createLogger: flush', () => {
  it('writes what the asynchronous destination still buffers when flushed (the bot flushes last on shutdown)', async () => {
    const written: string[] = [];
    const buffered: string[] = [];
    const destination = {
      write: (line: string) => void buffered.push(line),
      flushSync: () => void written.push(...buffered.splice(0)),
    };
    const logger = createLogger({ level: 'info', secrets: ['s3cret-value'], destination });
    logger.info({ leaked: 's3cret-value' }, 'stopping');
    expect(written).toEqual([]);
    await new Promise<void>((resolve) => logger.flush(() => resolve()));
    expect(written).toHaveLength(1);
    expect(JSON.parse(written[0]!)).toMatchObject({ msg: 'stopping', leaked: '[redacted]' });
  });

  it('reports a failed flush to the callback instead of throwing', async () => {
    const logger = createLogger({
      destination: {
        write: () => undefined,
        flushSync: () => {
          throw new Error('not ready');
        },
      } as never,
    });
    const err = await new Promise<Error | undefined>((resolve) => logger.flush((e) => resolve(e ?? undefined)));
    expect(err?.message).toBe('not ready');
  });
});
