import { CHANNEL, textOf } from './harness';
import { answerTo, BAD, blueGreen, firstGate, OLDER, seedHistory, short, useRollbackE2E } from './rollback-harness';

// Issue 20: a second identical request points to the first instead of creating a twin; a plan on the same
// target warns about the pending one. Through the real Bolt app, CloudFormation and GoCD fakes on loopback.
describe('recent history on the same target: rollback (end to end)', () => {
  const t = useRollbackE2E();

  it('refuses a second identical rollback and points to the first; another version of the same service is planned with a warning', async () => {
    t.cfn.addStack('prod-global-k-metapod', blueGreen(BAD, OLDER));
    seedHistory(t.gocd, 'metapod');
    await t.e2e.command('rollback metapod', 'UALICE');
    const first = await firstGate(t.e2e);
    const [op] = await t.e2e.bot.store.listRecent(5);
    const changeSets = t.cfn.requests.filter((r) => r.action === 'CreateChangeSet').length;

    const twin = await t.e2e.command('rollback metapod', 'UCARLA');
    expect(await answerTo(t.e2e, twin.responseUrl)).toMatch(
      new RegExp(`An identical request is already pending as \`${op!.id}\` \\(awaiting approval\\).*Nothing new was created`),
    );
    expect(await t.e2e.bot.store.listRecent(5)).toHaveLength(1);
    // The refusal came before any planning: no second change set.
    expect(t.cfn.requests.filter((r) => r.action === 'CreateChangeSet')).toHaveLength(changeSets);
    expect(t.e2e.slack.topLevel(CHANNEL)).toHaveLength(1);

    // Another version of the same service is a different request on the same target: planned, with a warning.
    await t.e2e.command(`rollback metapod --to ${short(OLDER)}`, 'UCARLA');
    const second = await t.e2e.planMessage((m) => m.ts !== first.ts);
    const text = textOf(second);
    expect(text).toContain(':warning: *The same target, recently:*');
    expect(text).toMatch(
      new RegExp(
        `\`${op!.id}\` \\*Roll back metapod to [0-9a-f]{7}\\* is awaiting approval \\(proposed <!date\\^\\d+\\^\\{ago\\}\\|[^>]+>\\), requested by <@UALICE>\\.`,
      ),
    );
    await t.e2e.bot.engine.idle();
  });
});
