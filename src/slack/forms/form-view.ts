import { z } from 'zod';
import type { AnyRunbook } from '../../operations/runbook';
import { fieldBlockId, formFields, type FormField } from './form-fields';
import type { LookupOutcome } from './lookups';

/** callback_id of the modal (view_submission) and of the global shortcut (manifest.yml). */
export const FORM_CALLBACK_ID = 'runbook_form';
/** action_id of the App Home button that opens the form. */
export const OPEN_FORM_ACTION = 'open_runbook_form';
/** action_id of the runbook select menu (dispatches block_actions so the fields follow the choice). */
export const PICK_RUNBOOK_ACTION = 'form_pick_runbook';
export const RUNBOOK_BLOCK = 'form:runbook';
export const CHANNEL_BLOCK = 'form:channel';
/** action_id of every field's element (block ids tell fields apart). */
export const VALUE_ACTION = 'value';

// Block Kit limits (https://api.slack.com/reference/block-kit): labels and hints 2000 characters, option
// text 75, option values 150, placeholders 150, modal titles 24, 100 options per select, 100 blocks per view.
const LIMITS = { label: 2000, hint: 2000, optionText: 75, optionValue: 150, placeholder: 150, title: 24, options: 100, blocks: 100 };

/** What the modal carries between its views: which runbook, and the channel when opened by `/runbook`. */
export const FormMetadata = z.object({
  runbook: z
    .string()
    .regex(/^[a-z][a-z0-9-]{0,40}$/)
    .optional(),
  channel: z
    .string()
    .regex(/^[CGD][A-Z0-9]{2,}$/)
    .optional(),
});
export type FormMetadata = z.infer<typeof FormMetadata>;

type Json = Record<string, unknown>;

const cut = (text: string, max: number): string => (text.length <= max ? text : `${text.slice(0, max - 1)}…`);
const plain = (text: string, max: number): Json => ({ type: 'plain_text', text: cut(text, max) });
const option = (value: string, text = value): Json => ({ text: plain(text, LIMITS.optionText), value });

function modal(metadata: FormMetadata, blocks: Json[], submit: boolean): Json {
  return {
    type: 'modal',
    callback_id: FORM_CALLBACK_ID,
    title: plain('Run a runbook', LIMITS.title),
    close: plain('Cancel', LIMITS.title),
    ...(submit ? { submit: plain('Propose', LIMITS.title) } : {}),
    private_metadata: JSON.stringify(metadata),
    blocks: blocks.slice(0, LIMITS.blocks),
  };
}

function runbookSelect(runbooks: AnyRunbook[], chosen?: AnyRunbook): Json {
  const options = runbooks.slice(0, LIMITS.options).map((r) => option(r.name, `${r.name}: ${r.title}`));
  return {
    type: 'input',
    block_id: RUNBOOK_BLOCK,
    dispatch_action: true,
    label: plain('Runbook', LIMITS.label),
    element: {
      type: 'static_select',
      action_id: PICK_RUNBOOK_ACTION,
      placeholder: plain('Pick a runbook', LIMITS.placeholder),
      options,
      ...(chosen ? { initial_option: options.find((o) => o.value === chosen.name) } : {}),
    },
  };
}

/** Where the plan is posted when the form was not opened from a channel (shortcut, App Home). */
function channelSelect(defaultChannel: string | undefined): Json {
  return {
    type: 'input',
    block_id: CHANNEL_BLOCK,
    label: plain('Post the plan in', LIMITS.label),
    hint: plain('The runbook channel, where approvers see it. The bot must be a member.', LIMITS.hint),
    element: {
      type: 'conversations_select',
      action_id: VALUE_ACTION,
      filter: { include: ['public', 'private'], exclude_bot_users: true },
      ...(defaultChannel && /^[CG][A-Z0-9]{2,}$/.test(defaultChannel) ? { initial_conversation: defaultChannel } : {}),
    },
  };
}

/** The first view: pick one of the runbooks a form can fill. */
export function pickerView(runbooks: AnyRunbook[], metadata: FormMetadata): Json {
  const intro = {
    type: 'section',
    text: {
      type: 'mrkdwn',
      text: 'Pick a runbook: its fields follow. Submitting proposes the operation exactly as the slash command would; nothing runs before approval.',
    },
  };
  if (runbooks.length === 0)
    return modal(
      metadata,
      [{ type: 'section', text: { type: 'mrkdwn', text: 'No runbook here describes its arguments for a form yet. Use `/runbook help`.' } }],
      false,
    );
  return modal(metadata, [intro, runbookSelect(runbooks)], false);
}

function fieldElement(field: FormField, lookup: LookupOutcome | undefined): Json {
  if (field.shape === 'flag') return { type: 'checkboxes', action_id: VALUE_ACTION, options: [option('true', field.meta.description ?? field.meta.label)] };
  const choices = field.choices ?? (lookup?.ok ? lookup.items : undefined);
  if (choices) {
    const options = choices
      .slice(0, LIMITS.options)
      .filter((c) => c.length <= LIMITS.optionValue)
      .map((c) => option(c));
    return {
      type: 'static_select',
      action_id: VALUE_ACTION,
      placeholder: plain(`Pick ${field.meta.label.charAt(0).toLowerCase()}${field.meta.label.slice(1)}`, LIMITS.placeholder),
      options,
    };
  }
  return { type: 'plain_text_input', action_id: VALUE_ACTION, ...(field.meta.example ? { placeholder: plain(field.meta.example, LIMITS.placeholder) } : {}) };
}

/** A field's hint: its description (a switch already shows it beside the box), and how to give several values. */
function hintOf(field: FormField): string | undefined {
  if (field.shape === 'flag') return undefined;
  if (field.shape === 'list') return `${field.meta.description ? `${field.meta.description}; ` : ''}several: separate them with spaces or commas`;
  return field.meta.description;
}

function fieldBlocks(field: FormField, lookup: LookupOutcome | undefined): Json[] {
  const input = {
    type: 'input',
    block_id: fieldBlockId(field.key),
    optional: field.optional,
    label: plain(field.meta.label, LIMITS.label),
    ...(hintOf(field) ? { hint: plain(hintOf(field)!, LIMITS.hint) } : {}),
    element: fieldElement(field, lookup),
  };
  if (!lookup || field.choices) return [input];
  const note = lookup.ok
    ? lookup.truncated
      ? `Showing the first ${lookup.items.length} of the choices listed by \`${field.meta.lookup}\`.`
      : undefined
    : `:warning: No list to pick from (${lookup.reason}): type the value; it is checked like the command's.`;
  return note ? [input, { type: 'context', elements: [{ type: 'mrkdwn', text: cut(note, 2000) }] }] : [input];
}

/**
 * The second view: the chosen runbook's fields rendered from its `args` (enums and lookups as select
 * menus, the rest as text inputs with the example as placeholder), under the runbook select.
 */
export function fieldsView(
  runbooks: AnyRunbook[],
  runbook: AnyRunbook,
  metadata: FormMetadata,
  lookups: Record<string, LookupOutcome>,
  defaultChannel?: string,
): Json {
  const fields = formFields(runbook) ?? [];
  const blocks: Json[] = [runbookSelect(runbooks, runbook)];
  if (runbook.usage[0]) blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: cut(`Same as \`${runbook.usage[0]}\``, 2000) }] });
  for (const field of fields) blocks.push(...fieldBlocks(field, field.meta.lookup ? lookups[field.meta.lookup] : undefined));
  if (!metadata.channel) blocks.push(channelSelect(defaultChannel));
  return modal({ ...metadata, runbook: runbook.name }, blocks, true);
}
