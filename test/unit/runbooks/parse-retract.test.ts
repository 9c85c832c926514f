import { UserFacingError } from '../../../src/operations/runbook';
import { parseRetract, retractRunbook } from '../../../src/runbooks/retract';
import { FakeMetapod, METAPOD_URL, planContext, retractPlan, UUID } from '../builders';

describe('parseRetract', () => {
  it.each(['attribute', 'indexed-attribute', 'committed-dataset'] as const)('accepts %s <uuid>', (kind) => {
    expect(parseRetract([kind, UUID])).toEqual({ ok: true, value: { kind, id: UUID } });
  });

  it('accepts the kind in any case', () => {
    expect(parseRetract(['Committed-Dataset', UUID])).toEqual({ ok: true, value: { kind: 'committed-dataset', id: UUID } });
  });

  it('lower-cases an upper-case UUID', () => {
    expect(parseRetract(['attribute', UUID.toUpperCase()])).toEqual({ ok: true, value: { kind: 'attribute', id: UUID } });
  });

  it.each([
    ['nothing', [], /^Give the kind: `attribute`/],
    ['an unknown kind', ['datasets', UUID], /^Unknown kind `datasets`: use `attribute`, `indexed-attribute`, `committed-dataset`\.$/],
    ['no id', ['indexed-attribute'], /^Give the id, like `5f2c0a4e-8d1b-4c3a-9f6e-1b2c3d4e5f60`\.$/],
    ['a short UUID', ['attribute', UUID.slice(0, -1)], /is not a UUID \(like `5f2c0a4e-8d1b-4c3a-9f6e-1b2c3d4e5f60`\)/],
    ['a UUID without dashes', ['attribute', UUID.replace(/-/g, '')], /is not a UUID/],
    ['a UUID with a unicode hyphen', ['attribute', UUID.replace('-', '\u2011')], /is not a UUID .*not plain ASCII \(a typographic dash/],
    ['a UUID in braces', ['attribute', `{${UUID}}`], /is not a UUID/],
    ['extra words', ['attribute', UUID, 'now', 'please'], /^Unexpected words after the id: `now please`\.$/],
    [
      'the all-zero UUID',
      ['committed-dataset', '00000000-0000-0000-0000-000000000000'],
      /is the all-zero UUID, a placeholder that names nothing: give the real id of the committed dataset/,
    ],
  ])('refuses %s', (_what, args, expected) => {
    const result = parseRetract(args);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error).toMatch(expected);
  });

  it('escapes what it echoes', () => {
    const result = parseRetract(['<!here>', UUID]);
    expect(!result.ok && result.error).toMatch(/^Unknown kind `&lt;!here&gt;`/);
  });
});

describe('retractRunbook.buildPlan', () => {
  it('builds one mutating step that previews the exact POST', async () => {
    const plan = await retractPlan({ kind: 'committed-dataset' });
    const url = `${METAPOD_URL}/api/migrations/retract/committed-dataset/${UUID}`;
    expect(plan).toMatchObject({ runbook: 'retract', title: `Retract committed dataset ${UUID}`, facts: { url } });
    expect(plan.fingerprint).toMatch(/^[0-9a-f]{16}$/);
    expect(plan.steps).toHaveLength(1);
    const [step] = plan.steps;
    expect(step).toMatchObject({ id: 'retract', risk: 'mutating', action: { kind: 'metapod.retract', params: { kind: 'committed-dataset', id: UUID } } });
    expect(step!.preview[0]).toEqual({ label: 'Request', value: `POST ${url}\n(empty body)`, code: true });
    // It cannot name the dataset read-only, and says so instead of leaving the approver to guess.
    expect(step!.preview[1]).toEqual({
      label: 'What this id names',
      value: 'name unknown: Sonar is not configured (`SONAR_URL`). Check the committed dataset before approving',
    });
    expect(step!.explanation).toMatch(/dataset itself stays in its transaction/);
  });

  it('refuses the all-zero UUID from stored input too', () => {
    expect(retractRunbook(new FakeMetapod()).inputSchema.safeParse({ kind: 'attribute', id: '00000000-0000-0000-0000-000000000000' }).success).toBe(false);
    expect(retractRunbook(new FakeMetapod()).inputSchema.safeParse({ kind: 'attribute', id: UUID }).success).toBe(true);
  });

  it('explains attributes as Datomic retractions that keep history', async () => {
    const plan = await retractPlan({ kind: 'attribute' });
    expect(plan.steps[0]!.explanation).toMatch(/:attribute\/id.*history keeps them/);
  });

  it('gives different plans different fingerprints', async () => {
    const a = await retractPlan({ kind: 'attribute' });
    const b = await retractPlan({ kind: 'indexed-attribute' });
    expect(a.fingerprint).not.toBe(b.fingerprint);
    expect((await retractPlan({ kind: 'attribute' })).fingerprint).toBe(a.fingerprint);
  });

  it('refuses to plan without Metapod configured, naming METAPOD_URL', async () => {
    const runbook = retractRunbook(undefined);
    // buildPlan throws synchronously here rather than rejecting; callers always `await` it, so wrap it the same way.
    const plan = async () => runbook.buildPlan({ kind: 'attribute', id: UUID }, planContext());
    await expect(plan()).rejects.toThrow(UserFacingError);
    await expect(plan()).rejects.toThrow(/METAPOD_URL/);
  });

  it('does not call Metapod while planning', async () => {
    const metapod = new FakeMetapod();
    await retractPlan({}, metapod);
    expect(metapod.calls).toEqual([]);
  });
});
