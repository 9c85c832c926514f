import { applyEdits, firstChangedLine, unifiedDiff, wholeLines } from '../../../src/runbooks/build-failure/code/text-edits';

describe('text edits', () => {
  it('applies edits from the end, drops those inside a bigger one, and refuses partial overlaps', () => {
    expect(
      applyEdits('abcdef', [
        { start: 1, end: 2, text: 'X' },
        { start: 4, end: 6, text: '' },
      ]),
    ).toBe('aXcd');
    expect(
      applyEdits('abcdef', [
        { start: 0, end: 4, text: '' },
        { start: 1, end: 2, text: 'X' },
      ]),
    ).toBe('ef');
    expect(() =>
      applyEdits('abcdef', [
        { start: 0, end: 3, text: '' },
        { start: 2, end: 5, text: '' },
      ]),
    ).toThrow(/overlapping/);
  });
  it('grows a range to whole lines only when nothing but blanks or a comment shares them', () => {
    const s = 'a = 1\n    b,  # note\nc = [d, e]\n';
    expect(wholeLines(s, s.indexOf('b'), s.indexOf('b') + 2, '#')).toEqual({ start: 6, end: s.indexOf('c = '), whole: true });
    expect(wholeLines(s, s.indexOf('d'), s.indexOf('d') + 1, '#').whole).toBe(false);
  });
});

describe('unified diff', () => {
  it('shows every hunk with 3 lines of context and correct ranges', () => {
    const before = Array.from({ length: 20 }, (_, i) => `line ${i + 1}`).join('\n');
    const after = before.replace('line 3\n', '').replace('line 15', 'line fifteen');
    expect(unifiedDiff(before, after, 'f.py')).toBe(
      [
        '--- a/f.py',
        '+++ b/f.py',
        '@@ -1,6 +1,5 @@',
        ' line 1',
        ' line 2',
        '-line 3',
        ' line 4',
        ' line 5',
        ' line 6',
        '@@ -12,7 +11,7 @@',
        ' line 12',
        ' line 13',
        ' line 14',
        '-line 15',
        '+line fifteen',
        ' line 16',
        ' line 17',
        ' line 18',
      ].join('\n'),
    );
    expect(firstChangedLine(before, after)).toBe(3);
  });
});
