import { BackendError, summarizeBody } from '../../../src/actions/http/errors';
import { HttpMetapodActions } from '../../../src/actions/metapod/metapod-actions';
import { startMetapodFake, type MetapodFake } from '../../../src/sandbox/fakes/metapod';

const ID = '5f2c0a4e-8d1b-4c3a-9f6e-1b2c3d4e5f60';

describe('HttpMetapodActions', () => {
  let metapod: MetapodFake;
  beforeEach(async () => {
    metapod = await startMetapodFake();
  });
  afterEach(async () => {
    metapod.assertNoUnexpected();
    await metapod.close();
  });

  it('POSTs an empty body to the retraction migration and summarizes the answer', async () => {
    const actions = new HttpMetapodActions(metapod.url, 2000);
    const result = await actions.retract('indexed-attribute', ID);
    expect(metapod.requests).toMatchObject([{ method: 'POST', path: `/api/migrations/retract/indexed-attribute/${ID}`, body: '' }]);
    expect(result).toMatchObject({ status: 200, summary: `{"retracted":"${ID}"}` });
    expect(result.durationMs).toBeGreaterThanOrEqual(0);
  });

  it('maps a non-2xx answer to a BackendError with the status and body', async () => {
    metapod.respond({ status: 409, body: { error: 'already retracted' } });
    const err = await new HttpMetapodActions(metapod.url, 2000).retract('attribute', ID).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BackendError);
    expect(err).toMatchObject({ code: 'http_status', status: 409, bodySummary: '{"error":"already retracted"}' });
    expect((err as Error).message).toBe('Metapod answered 409 Conflict: {"error":"already retracted"}');
  });

  it('says "abandoned" when the step is aborted, and "did not answer" on its own timeout', async () => {
    metapod.respond({ hang: true });
    const controller = new AbortController();
    const pending = new HttpMetapodActions(metapod.url, 5000).retract('attribute', ID, controller.signal);
    setTimeout(() => controller.abort(new Error('timed out after 1 s')), 30);
    await expect(pending).rejects.toMatchObject({
      code: 'aborted',
      message: 'The request to Metapod was abandoned (timed out after 1 s); it may or may not have been applied.',
    });
    await expect(new HttpMetapodActions(metapod.url, 100).retract('attribute', ID)).rejects.toMatchObject({ code: 'timeout' });
  });

  it('builds the preview URL exactly as it will be called', () => {
    expect(new HttpMetapodActions('https://metapod.example.com', 1).retractUrl('committed-dataset', ID)).toBe(
      `https://metapod.example.com/api/migrations/retract/committed-dataset/${ID}`,
    );
  });
});

describe('summarizeBody', () => {
  it('compacts JSON, folds whitespace, marks empty and long bodies', () => {
    expect(summarizeBody('{ "a": 1,\n "b": [1, 2] }')).toBe('{"a":1,"b":[1,2]}');
    expect(summarizeBody('<html>\n  <body>x</body>\n</html>')).toBe('<html> <body>x</body> </html>');
    expect(summarizeBody('   ')).toBe('(empty body)');
    expect(summarizeBody('x'.repeat(1000), 10)).toBe('xxxxxxxxxx… (1000 bytes)');
  });
});
