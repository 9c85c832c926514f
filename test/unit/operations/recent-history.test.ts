import { UserFacingError } from '../../../src/operations/runbook';
import { retractRunbook } from '../../../src/runbooks/retract';
import { renderOperationMessage } from '../../../src/slack/blocks/operation-message';
import { allText, FakeMetapod, UUID } from '../builders';
import { engineHarness, HOME } from './engine-harness';

const OTHER = '9b1d3c5e-2f4a-4b6c-8d0e-1a2b3c4d5e6f';

function setup() {
  const metapod = new FakeMetapod();
  const h = engineHarness({ engine: { runbooks: new Map([['retract', retractRunbook(metapod)]]) } });
  const retract = (requester: string, id = UUID, kind = 'committed-dataset') =>
    h.engine.propose({ runbook: 'retract', input: { kind, id }, requester, location: { channel: 'CDATA' } });
  return { h, metapod, retract };
}

describe('recent history on the same target', () => {
  it('warns that the same dataset was retracted minutes ago, naming who asked and who approved', async () => {
    const { h, retract, metapod } = setup();
    const first = await retract('UALICE');
    expect(first.recent).toBeUndefined();
    await h.approveAs(first, 'UBRUNO');
    await h.engine.idle();
    expect(metapod.calls).toHaveLength(1);

    const again = await retract('UCARLA');
    expect(again.recent).toEqual([expect.objectContaining({ id: first.id, state: 'succeeded', requester: 'UALICE', approvers: ['UBRUNO'], byAlarm: false })]);
    const text = allText(renderOperationMessage(again, { approvers: 'anyone' }));
    expect(text).toMatch(
      new RegExp(
        `:warning: \\*The same target, recently:\\*\\n\`${first.id}\` \\*Retract committed dataset ${UUID}\\* succeeded <!date\\^\\d+\\^\\{ago\\}\\|[^>]+>, requested by <@UALICE>, approved by <@UBRUNO>\\.`,
      ),
    );
  });

  it('refuses a second identical pending request and points to the first; another target or kind is planned as usual', async () => {
    const { h, retract } = setup();
    const first = await retract('UALICE');
    const twin = retract('UCARLA');
    await expect(twin).rejects.toBeInstanceOf(UserFacingError);
    await expect(twin).rejects.toThrow(new RegExp(`already pending as \`${first.id}\` \\(awaiting approval\\).*Nothing new was created`));
    expect(await h.store.listRecent(10)).toHaveLength(1);

    const other = await retract('UCARLA', OTHER);
    expect(other.recent).toBeUndefined();
    // Same id, another kind: another target, so neither a twin nor a warning.
    expect((await retract('UCARLA', UUID, 'attribute')).recent).toBeUndefined();
  });

  it('warns (without refusing) about a pending request on the same target once the first is cancelled or done, and forgets after an hour', async () => {
    const { h, retract } = setup();
    const first = await retract('UALICE');
    await h.engine.cancel({ operationId: first.id, userId: 'UALICE', from: HOME });
    // A cancelled operation did nothing: no warning.
    const second = await retract('UALICE');
    expect(second.recent).toBeUndefined();
    await h.approveAs(second, 'UBRUNO');
    await h.engine.idle();
    h.clock.now = new Date(Date.now() + 61 * 60_000);
    expect((await retract('UCARLA')).recent).toBeUndefined();
  });

  it('a runbook whose input has no target (a read) neither warns nor refuses twins', async () => {
    const metapod = new FakeMetapod();
    const reads = { ...retractRunbook(metapod), targetOf: () => undefined };
    const h = engineHarness({ engine: { runbooks: new Map([['retract', reads]]) } });
    const ask = () =>
      h.engine.propose({ runbook: 'retract', input: { kind: 'committed-dataset', id: UUID }, requester: 'UALICE', location: { channel: 'CDATA' } });
    await ask();
    const second = await ask();
    expect(second.recent).toBeUndefined();
    expect(await h.store.listRecent(10)).toHaveLength(2);
  });
});
