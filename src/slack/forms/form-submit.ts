import { z } from 'zod';
import type { RunbookRegistry } from '../../operations/runbook';
import { fieldBlockId, fieldValue, formFields, toWords } from './form-fields';
import { CHANNEL_BLOCK, FormMetadata, RUNBOOK_BLOCK } from './form-view';

/** One element's state in a view_submission (`view.state.values[block][action]`). */
const ElementState = z.object({
  type: z.string(),
  value: z.string().nullish(),
  selected_option: z.object({ value: z.string() }).nullish(),
  selected_conversation: z.string().nullish(),
  selected_options: z.array(z.object({ value: z.string() })).nullish(),
});
/** The part of a submitted view the form reads. */
export const SubmittedView = z.object({
  private_metadata: z.string().max(3000),
  state: z.object({ values: z.record(z.string(), z.record(z.string(), ElementState)) }),
});
export type SubmittedView = z.infer<typeof SubmittedView>;

/** What a submission asks for: a runbook's input to propose, or messages to show under the blocks. */
export type Submission = { ok: true; runbook: string; input: unknown; channel?: string } | { ok: false; errors: Record<string, string> };

/** Reads metadata written by this form; undefined when it is not (tampered, or from an older bot). */
export function readMetadata(raw: string): FormMetadata | undefined {
  try {
    const parsed = FormMetadata.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** The one value of a block (typed text, picked option or conversation); undefined when empty. */
function valueOf(view: SubmittedView, blockId: string): string | undefined {
  const element = Object.values(view.state.values[blockId] ?? {})[0];
  const ticked = element?.selected_options?.map((o) => o.value).join(' ');
  const value = element?.selected_option?.value ?? element?.selected_conversation ?? element?.value ?? ticked ?? undefined;
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}

/** The first issue as a sentence (schema messages may end with their own full stop). */
const firstIssue = (error: z.ZodError): string => {
  const message = error.issues[0]?.message ?? 'not a valid value';
  return /[.!?]$/.test(message) ? message : `${message}.`;
};

/**
 * Validates a submitted form with pure checks only (no store, backend or Slack call: it runs before the
 * ack): each field by its own schema, then the words through `runbook.parse`, as the slash command does.
 */
export function readSubmission(view: SubmittedView, runbooks: RunbookRegistry): Submission {
  const metadata = readMetadata(view.private_metadata);
  const runbook = metadata?.runbook ? runbooks.get(metadata.runbook) : undefined;
  if (!metadata?.runbook) return { ok: false, errors: { [RUNBOOK_BLOCK]: 'Pick a runbook and wait for its fields.' } };
  const fields = runbook && formFields(runbook);
  if (!runbook || !fields)
    return { ok: false, errors: { [RUNBOOK_BLOCK]: 'This form is out of date: that runbook is not available now. Close it and open a new one.' } };
  const picked = valueOf(view, RUNBOOK_BLOCK);
  if (picked !== undefined && picked !== runbook.name) return { ok: false, errors: { [RUNBOOK_BLOCK]: 'Wait for the fields of the runbook you picked.' } };

  const errors: Record<string, string> = {};
  const values: Record<string, string | undefined> = {};
  for (const field of fields) {
    const raw = valueOf(view, fieldBlockId(field.key));
    const checked = field.schema.safeParse(fieldValue(field, raw));
    if (!checked.success)
      errors[fieldBlockId(field.key)] = raw === undefined ? `${field.meta.label} is required.` : `${field.meta.label}: ${firstIssue(checked.error)}`;
    values[field.key] = raw;
  }
  // A positional word after a missing one would take its place: the command could not be written.
  const positional = fields.filter((f) => f.meta.positional !== undefined);
  const gap = positional.findIndex((f) => values[f.key] === undefined);
  const after = gap >= 0 ? positional.slice(gap + 1).find((f) => values[f.key] !== undefined) : undefined;
  if (after) errors[fieldBlockId(positional[gap]!.key)] ??= `Fill ${positional[gap]!.meta.label} too, or clear ${after.meta.label}.`;
  const channel = metadata.channel ?? valueOf(view, CHANNEL_BLOCK);
  if (!channel) errors[CHANNEL_BLOCK] = 'Pick the channel where the plan is posted.';
  else if (!/^[CG][A-Z0-9]{2,}$/.test(channel) && !metadata.channel) errors[CHANNEL_BLOCK] = 'Pick a channel (not a direct message).';
  if (Object.keys(errors).length > 0) return { ok: false, errors };

  const parsed = runbook.parse(toWords(fields, values));
  if (!parsed.ok) return { ok: false, errors: { [fields[0] ? fieldBlockId(fields[0].key) : RUNBOOK_BLOCK]: parsed.error.slice(0, 2000) } };
  return { ok: true, runbook: runbook.name, input: parsed.value, ...(channel ? { channel } : {}) };
}
