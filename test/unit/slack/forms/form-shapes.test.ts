import type { AnyRunbook, RunbookRegistry } from '../../../../src/operations/runbook';
import { formFields, toWords } from '../../../../src/slack/forms/form-fields';
import { readSubmission } from '../../../../src/slack/forms/form-submit';
import { fieldsView } from '../../../../src/slack/forms/form-view';
import { rollback } from '../../../../src/runbooks/rollback';

/**
 * Switches and lists in a form, on the rollback runbook's own declaration: `--in-place` is a boolean flag
 * (a checkbox, written back as the bare flag), `--shard` repeats (typed as a list).
 */
const runbook = { name: rollback.name, title: rollback.title, usage: rollback.usage, args: rollback.args, parse: rollback.parse } as unknown as AnyRunbook;
const registry: RunbookRegistry = new Map([['rollback', runbook]]);

type Element = { type: string; options?: { text: { text: string }; value: string }[] };
type Block = { block_id?: string; element?: Element; hint?: { text: string } };

type ElementState = { type: string; value?: string; selected_options?: { value: string }[] };
function submitted(values: Record<string, ElementState>) {
  return {
    private_metadata: JSON.stringify({ runbook: 'rollback', channel: 'CDATAENG' }),
    state: { values: Object.fromEntries(Object.entries(values).map(([block, state]) => [block, { value: state }])) },
  };
}
const text = (value: string) => ({ type: 'plain_text_input', value });

describe('form fields that are switches and lists', () => {
  it('draws a boolean flag as one checkbox and a repeated flag as a text input that says how to give several', () => {
    const view = fieldsView([runbook], runbook, { runbook: 'rollback' }, {});
    const blocks = view.blocks as Block[];
    const inPlace = blocks.find((b) => b.block_id === 'arg:inPlace')!;
    expect(inPlace.element!.type).toBe('checkboxes');
    expect(inPlace.element!.options!.map((o) => o.value)).toEqual(['true']);
    expect(inPlace.element!.options![0]!.text.text).toMatch(/in place/);
    const shards = blocks.find((b) => b.block_id === 'arg:shards')!;
    expect(shards.element!.type).toBe('plain_text_input');
    expect(shards.hint!.text).toMatch(/several: separate them with spaces or commas/);
  });

  it('writes a ticked switch as the bare flag and a list as one flag per item', () => {
    const fields = formFields(runbook)!;
    expect(toWords(fields, { service: 'metapod', shards: 's0, s1', inPlace: 'true' })).toEqual(['metapod', '--shard', 's0', '--shard', 's1', '--in-place']);
    expect(toWords(fields, { service: 'metapod', inPlace: undefined })).toEqual(['metapod']);
  });

  it('creates the input the slash command would, ticked or not', () => {
    const ticked = readSubmission(
      submitted({
        'arg:service': text('metapod'),
        'arg:shards': text('s0 s1,s0'),
        'arg:inPlace': { type: 'checkboxes', selected_options: [{ value: 'true' }] },
      }),
      registry,
    );
    const typed = rollback.parse(['metapod', '--shard', 's0', '--shard', 's1', '--shard', 's0', '--in-place']);
    expect(typed.ok).toBe(true);
    expect(ticked).toEqual({ ok: true, runbook: 'rollback', input: typed.ok ? typed.value : undefined, channel: 'CDATAENG' });
    expect(ticked).toMatchObject({ input: { shards: ['s0', 's1'], inPlace: true } });

    const unticked = readSubmission(submitted({ 'arg:service': text('metapod'), 'arg:inPlace': { type: 'checkboxes', selected_options: [] } }), registry);
    expect(unticked).toMatchObject({ ok: true, input: { service: 'metapod', shards: [], inPlace: false } });
  });

  it('refuses a switch value the form never offered instead of reading it as unticked', () => {
    const forged = readSubmission(
      submitted({ 'arg:service': text('metapod'), 'arg:inPlace': { type: 'checkboxes', selected_options: [{ value: 'yes' }] } }),
      registry,
    );
    expect(forged).toMatchObject({ ok: false, errors: { 'arg:inPlace': expect.stringMatching(/^In place: /) } });
  });

  it('shows a schema message that ends its own sentence without a second full stop', () => {
    const result = readSubmission(submitted({ 'arg:service': text('metapod'), 'arg:to': text('zz') }), registry);
    expect(result).toMatchObject({ ok: false, errors: { 'arg:to': expect.stringMatching(/^Version: .*prints\)\.$/) } });
    expect(JSON.stringify(result)).not.toMatch(/\.\./);
  });
});
