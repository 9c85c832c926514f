import type { App } from '@slack/bolt';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { OperationEngine } from '../../operations/engine';
import type { RunbookRegistry } from '../../operations/runbook';
import { firstDelivery } from '../delivery-keys';
import { failureText, proposeOperation } from '../handlers/command';
import { formFields, formRunbooks } from './form-fields';
import { readSubmission, readMetadata, SubmittedView } from './form-submit';
import { fieldsView, FORM_CALLBACK_ID, OPEN_FORM_ACTION, PICK_RUNBOOK_ACTION, pickerView } from './form-view';
import { runLookup, type FormLookups, type LookupOutcome } from './lookups';

export interface FormDeps {
  engine: Pick<OperationEngine, 'propose'>;
  runbooks: RunbookRegistry;
  logger: Logger;
  /** Read-only lookups for select menus (from wiring.ts); absent: every field is a text input. */
  lookups?: FormLookups;
  /** RUNBOOK_CHANNEL, preselected when it is a channel id and the form was not opened in a channel. */
  runbookChannel?: string;
  /** How long one lookup may take (default LOOKUP_DEADLINE_MS; tests shorten it). */
  lookupDeadlineMs?: number;
}

/** Who opens the form, and from which channel when it was `/runbook` typed in one. */
export interface OpenFrom {
  triggerId: string;
  user: string;
  channel?: string;
}

// What the listeners read from Slack's payloads, checked before use.
const PickAction = z.object({
  user: z.object({ id: z.string() }),
  view: z.object({ id: z.string(), hash: z.string().optional(), private_metadata: z.string().max(3000) }),
  actions: z.array(z.object({ selected_option: z.object({ value: z.string() }).nullish() })).min(1),
});
const Opener = z.object({ trigger_id: z.string().min(1), user: z.object({ id: z.string() }) });
const Submitter = z.object({
  user: z.object({ id: z.string(), team_id: z.string().optional() }),
  team: z.object({ id: z.string() }).nullish(),
  view: SubmittedView,
});

/**
 * Registers the runbook form: the global shortcut, the App Home button, the runbook select (which
 * swaps in the runbook's fields) and the submission. Returns the opener `/runbook` uses.
 */
export function registerRunbookForm(app: App, deps: FormDeps): (from: OpenFrom) => Promise<void> {
  const open = async (from: OpenFrom): Promise<void> => {
    const log = deps.logger.child({ user: from.user, form: 'open' });
    const view = pickerView(formRunbooks(deps.runbooks), from.channel ? { channel: from.channel } : {});
    await app.client.views
      .open({ trigger_id: from.triggerId, view: view as never })
      .catch((err: unknown) => log.warn({ err }, 'could not open the runbook form'));
  };
  const openFromPayload = async (body: unknown): Promise<void> => {
    const parsed = Opener.safeParse(body);
    if (!parsed.success) return void deps.logger.warn('a form opener without trigger_id or user was ignored');
    // A form opened outside a channel asks where the plan goes.
    await open({ triggerId: parsed.data.trigger_id, user: parsed.data.user.id });
  };

  app.shortcut(FORM_CALLBACK_ID, async ({ ack, body }) => {
    await ack();
    await openFromPayload(body);
  });
  app.action(OPEN_FORM_ACTION, async ({ ack, body }) => {
    await ack();
    await openFromPayload(body);
  });

  app.action(PICK_RUNBOOK_ACTION, async ({ ack, body }) => {
    await ack();
    const parsed = PickAction.safeParse(body);
    if (!parsed.success) return void deps.logger.warn('a runbook pick without its view was ignored');
    const { view, user, actions } = parsed.data;
    const log = deps.logger.child({ user: user.id, form: 'pick' });
    const metadata = readMetadata(view.private_metadata);
    const runbook = deps.runbooks.get(actions[0]!.selected_option?.value ?? '');
    if (!metadata || !runbook || !formFields(runbook))
      return void log.warn({ metadata: Boolean(metadata) }, 'a runbook pick that names no form runbook was ignored');
    const lookups = await lookupsFor(deps, runbook.name);
    for (const [name, outcome] of Object.entries(lookups))
      if (!outcome.ok) log.info({ lookup: name, reason: outcome.reason }, 'form lookup fell back to a text input');
    const next = fieldsView(formRunbooks(deps.runbooks), runbook, metadata, lookups, deps.runbookChannel);
    await app.client.views
      .update({ view_id: view.id, ...(view.hash ? { hash: view.hash } : {}), view: next as never })
      .catch((err: unknown) => log.warn({ err }, 'could not show the runbook fields (picked again meanwhile?)'));
  });

  app.view(FORM_CALLBACK_ID, async ({ ack, body, context }) => {
    const parsed = Submitter.safeParse(body);
    if (!parsed.success) {
      await ack({ response_action: 'errors', errors: { 'form:runbook': 'This form could not be read. Close it and open a new one.' } });
      return;
    }
    // Pure validation only, before the ack: the answer to a submission is the ack itself.
    const submission = readSubmission(parsed.data.view, deps.runbooks);
    if (!submission.ok) {
      await ack({ response_action: 'errors', errors: submission.errors });
      return;
    }
    await ack();
    if (!(await firstDelivery(context))) return;
    const user = parsed.data.user.id;
    const channel = submission.channel!;
    const log = deps.logger.child({ user, channel, form: 'submit' });
    const who = { user_id: user, channel_id: channel, team_id: parsed.data.team?.id ?? parsed.data.user.team_id ?? '' };
    try {
      await proposeOperation(deps, submission, who, log);
    } catch (err) {
      const text = failureText(err, log);
      await app.client.chat
        .postEphemeral({ channel, user, text })
        .catch((e: unknown) => log.warn({ err: e }, 'could not tell the requester why the form was refused'));
    }
  });
  return open;
}

/** Runs the lookups a runbook's fields name, at once, each under its own deadline. */
async function lookupsFor(deps: FormDeps, name: string): Promise<Record<string, LookupOutcome>> {
  const runbook = deps.runbooks.get(name);
  const names = [...new Set((runbook ? (formFields(runbook) ?? []) : []).flatMap((f) => (f.meta.lookup && !f.choices ? [f.meta.lookup] : [])))];
  const outcomes = await Promise.all(names.map((n) => runLookup(deps.lookups, n, deps.lookupDeadlineMs)));
  return Object.fromEntries(names.map((n, i) => [n, outcomes[i]!]));
}
