import { findProblems, messageTexts, wordProblems } from '../../support/human-words';

// The checker the "only human words" sandbox test relies on: it must catch what the issue saw.
describe('wordProblems', () => {
  it.each([
    ['dagRunId `undefined`', 'undefined'],
    ['peak NaN RCU/s', 'NaN'],
    ['target: [object Object]', '[object Object]'],
    ['approved by null', 'null'],
    ['*metricWindow:* 2026-11-24T00:00Z/2026-11-24T03:00Z', 'unlabelled key metricWindow:'],
    ['*changeSet:prod-global-k-metapod:* arn:aws:cloudformation:...', 'unlabelled key changeSet:'],
    ['updateRequestedAt: 2026-11-24T10:00:00Z', 'unlabelled key updateRequestedAt:'],
  ])('flags %s', (text, problem) => {
    expect(wordProblems(text)).toContain(problem);
  });

  it.each([
    '*Run:* scheduled__2026-11-24T03:00:00+00:00: failed (started 2026-11-24 03:00 UTC)',
    'See https://github.com/nubank/aurora-jobs/pull/1001 · <!date^1796461741^{date_short_pretty} at {time}|2026-12-05T09:09:01.134Z>',
    '```{"dagRunId": "manual__1", "note": null}```',
    'the preview calls `GetMetricData` with `metricWindow:3h`',
    '*Airflow run:* dagao / manual__1',
  ])('lets human words and verbatim code through: %s', (text) => {
    expect(wordProblems(text)).toEqual([]);
  });

  it('allows keys in the audit trail but never leaks', () => {
    expect(wordProblems('step finished · externalIds={"metricWindow":"x"} · dagRunId: y', { allowKeys: true })).toEqual([]);
    expect(wordProblems('dagRunId: undefined', { allowKeys: true })).toEqual(['undefined']);
  });

  it('reads text objects anywhere in blocks (buttons, confirm dialogs, options), not values', () => {
    const texts = messageTexts({
      text: 'fallback',
      blocks: [
        {
          type: 'actions',
          elements: [
            {
              type: 'button',
              value: 'dagRunId:undefined',
              text: { type: 'plain_text', text: 'Approve' },
              confirm: { text: { type: 'mrkdwn', text: 'runs NaN' } },
            },
          ],
        },
      ],
    });
    expect(texts).toEqual(['fallback', 'Approve', 'runs NaN']);
    expect(findProblems([{ where: 'x', texts }])).toEqual(['x: NaN in "runs NaN"']);
  });
});
