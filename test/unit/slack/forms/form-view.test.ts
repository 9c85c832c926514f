import { z } from 'zod';
import type { AnyRunbook, RunbookRegistry } from '../../../../src/operations/runbook';
import { arg } from '../../../../src/operations/runbook-args';
import { formFields, formRunbooks, toWords } from '../../../../src/slack/forms/form-fields';
import { readSubmission } from '../../../../src/slack/forms/form-submit';
import { fieldsView, pickerView } from '../../../../src/slack/forms/form-view';
import { retractRunbook } from '../../../../src/runbooks/retract';
import { reindexRunbook } from '../../../support/example-form-runbook';

type Block = Record<string, unknown> & {
  block_id?: string;
  label?: { text: string };
  hint?: { text: string };
  element?: { type: string; options?: { text: { text: string }; value: string }[]; placeholder?: { text: string } };
};
const blocksOf = (view: Record<string, unknown>): Block[] => view.blocks as Block[];

/** A runbook whose args push every Block Kit limit: long labels, long option names, 150 enum values. */
function oversized(): AnyRunbook {
  const values = Array.from({ length: 150 }, (_, i) => `value-${i}-${'x'.repeat(90)}`) as [string, ...string[]];
  const args = z.object({ big: arg(z.enum(values), { label: 'L'.repeat(2500), positional: 0, description: 'H'.repeat(2500), example: 'E'.repeat(400) }) });
  return { ...reindexRunbook(), name: 'oversized', title: 'T'.repeat(200), args } as AnyRunbook;
}

describe('form view builder', () => {
  const reindex = reindexRunbook() as AnyRunbook;
  const registry: RunbookRegistry = new Map<string, AnyRunbook>([
    ['reindex', reindex],
    ['retract', retractRunbook(undefined)],
    ['oversized', oversized()],
    ['no-args', { ...reindex, name: 'no-args', args: undefined }],
  ]);

  it('offers only runbooks that declare args, sorted, and keeps every text within Block Kit limits', () => {
    expect(formRunbooks(registry).map((r) => r.name)).toEqual(['oversized', 'reindex', 'retract']);
    const picker = pickerView(formRunbooks(registry), {});
    const select = blocksOf(picker).find((b) => b.block_id === 'form:runbook')!;
    for (const o of select.element!.options!) expect(o.text.text.length).toBeLessThanOrEqual(75);
    expect((picker.title as { text: string }).text.length).toBeLessThanOrEqual(24);

    const view = fieldsView(formRunbooks(registry), registry.get('oversized')!, {}, {});
    const big = blocksOf(view).find((b) => b.block_id === 'arg:big')!;
    expect(big.label!.text.length).toBeLessThanOrEqual(2000);
    expect(big.hint!.text.length).toBeLessThanOrEqual(2000);
    expect(big.element!.options).toHaveLength(100);
    for (const o of big.element!.options!) expect(o.text.text.length).toBeLessThanOrEqual(75);
    expect(blocksOf(view).length).toBeLessThanOrEqual(100);
    expect(String(view.private_metadata).length).toBeLessThanOrEqual(3000);
  });

  it('keeps block ids stable across renders and lookup outcomes, so typed values and errors find their field', () => {
    const ids = (lookups: Parameters<typeof fieldsView>[3]): string[] =>
      blocksOf(fieldsView(formRunbooks(registry), reindex, { channel: 'CDATAENG' }, lookups)).flatMap((b) => (b.block_id ? [b.block_id] : []));
    const answered = ids({ services: { ok: true, items: ['a', 'b'], truncated: false } });
    const failed = ids({ services: { ok: false, reason: 'timeout' } });
    expect(answered).toEqual(['form:runbook', 'arg:service', 'arg:mode', 'arg:table', 'arg:reason']);
    expect(failed).toEqual(answered);
    // Opened outside a channel, the channel picker is added at the end.
    expect(blocksOf(fieldsView(formRunbooks(registry), reindex, {}, {})).at(-1)).toMatchObject({
      block_id: 'form:channel',
      element: { type: 'conversations_select' },
    });
    expect(blocksOf(fieldsView(formRunbooks(registry), reindex, {}, {}, 'C0RUNBOOK')).at(-1)).toMatchObject({ element: { initial_conversation: 'C0RUNBOOK' } });
  });

  it('writes values back as the command words: positional in order, then --flag value; missing optional flags left out', () => {
    const fields = formFields(reindex)!;
    expect(fields.map((f) => [f.key, f.optional])).toEqual([
      ['service', false],
      ['mode', false],
      ['table', true],
      ['reason', true],
    ]);
    expect(toWords(fields, { service: 'analytics', mode: 'full', reason: 'two words' })).toEqual(['analytics', '--mode', 'full', '--reason', 'two words']);
  });

  it('refuses a runbook whose args has a field without metadata (the form could not write it as words)', () => {
    const bad = { ...reindex, name: 'bad', args: z.object({ service: z.string() }) } as AnyRunbook;
    expect(formFields(bad)).toBeUndefined();
    const both = { ...reindex, name: 'both', args: z.object({ x: arg(z.string(), { label: 'x', positional: 0, flag: 'x' }) }) } as AnyRunbook;
    expect(formFields(both)).toBeUndefined();
  });
});

describe('form submission', () => {
  const registry: RunbookRegistry = new Map<string, AnyRunbook>([['reindex', reindexRunbook() as AnyRunbook]]);
  const submitted = (metadata: unknown, values: Record<string, string>) => ({
    private_metadata: JSON.stringify(metadata),
    state: { values: Object.fromEntries(Object.entries(values).map(([block, value]) => [block, { value: { type: 'plain_text_input', value } }])) },
  });

  it('validates each field with its own schema and names every invalid block', () => {
    const result = readSubmission(submitted({ runbook: 'reindex', channel: 'CDATAENG' }, { 'arg:service': 'Bad Name', 'arg:mode': 'sideways' }), registry);
    expect(result).toEqual({ ok: false, errors: { 'arg:service': expect.stringMatching(/^Service: /), 'arg:mode': expect.stringMatching(/^Mode: /) } });
  });

  it('reads a valid submission into the input the runbook parses from the same words', () => {
    expect(
      readSubmission(
        submitted({ runbook: 'reindex', channel: 'CDATAENG' }, { 'arg:service': 'analytics', 'arg:mode': 'incremental', 'arg:table': '  ' }),
        registry,
      ),
    ).toEqual({
      ok: true,
      runbook: 'reindex',
      input: { service: 'analytics', mode: 'incremental' },
      channel: 'CDATAENG',
    });
  });

  it('refuses metadata it did not write: no runbook, an unknown one, malformed JSON, or a channel that is not an id', () => {
    for (const metadata of [{}, { runbook: 'gone' }, { runbook: 'reindex', channel: '#general' }, 'not json{']) {
      const result = readSubmission(
        { ...submitted({}, { 'arg:service': 'analytics' }), private_metadata: typeof metadata === 'string' ? metadata : JSON.stringify(metadata) },
        registry,
      );
      expect(result).toMatchObject({ ok: false, errors: { 'form:runbook': expect.any(String) } });
    }
  });
});
