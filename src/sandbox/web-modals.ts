import { z } from 'zod';
import type { SlackEmulator } from './fakes/slack-api';
import type { EmulatedView } from './fakes/slack-views';
import {
  blockSuggestionBody,
  echoedView,
  elementState,
  offeredKey,
  stateValues,
  suggestedOptions,
  viewActionBody,
  viewClosedBody,
  viewSubmissionBody,
  type OfferedOptions,
  type PickedValues,
} from './modal-requests';
import { findElement, type SandboxUser } from './slack-requests';

// Modals on the sandbox page: which person sees which view (by the trigger_id the sandbox gave them), and the
// page's modal actions turned into what Slack sends the app (block_actions, block_suggestion, view_submission,
// view_closed), with the app's answer applied as Slack applies it (errors, update, push, clear, close).

type Json = Record<string, unknown>;
/** How the sandbox reaches the bot: a body signed and POSTed as Slack would. */
export type ToBot = (body: string) => Promise<{ status: number; body: string }>;

/** A modal as the page draws it: the top view of the person's stack, with errors from their last submission. */
export interface ModalOnPage {
  id: string;
  hash: string;
  view: Json;
  errors: Record<string, string>;
  depth: number;
}

const Id = z.string().regex(/^[\w.:/-]{1,255}$/);
const Values = z.record(Id, z.record(Id, z.string().max(3000))).default({});

/** The page's modal API (`modalAction`, `modalOptions`, `modalSubmit`, `modalClose`) and what the page shows of modals. */
export function sandboxModals(slack: SlackEmulator, users: SandboxUser[], toBot: ToBot) {
  const UserId = z.enum(users.map((u) => u.id) as [string, ...string[]]);
  const OnView = z.object({ user: UserId, viewId: Id, values: Values });
  // A block without a block_id (an actions block the app left unnamed) is sent as ''.
  const Action = OnView.extend({ blockId: z.union([Id, z.literal('')]), actionId: Id, selected: z.string().max(3000).optional() });
  const Options = OnView.extend({ blockId: Id, actionId: Id, query: z.string().max(500).default('') });
  const userOf = (id: string): SandboxUser => users.find((u) => u.id === id)!;

  const owners = new Map<string, string>();
  const errors = new Map<string, { hash: string; errors: Record<string, string> }>();
  const offered = new Map<string, OfferedOptions>();

  const ownerOf = (v: EmulatedView): string | undefined =>
    owners.get(v.triggerId) ?? (v.previousViewId ? ownerOf(slack.modals.get(v.previousViewId)!) : undefined);
  const stackOf = (user: string): EmulatedView[] => [...slack.modals.values()].filter((v) => !v.closed && ownerOf(v) === user);
  const rootOf = (v: EmulatedView): EmulatedView => (v.previousViewId && slack.modals.get(v.previousViewId) ? rootOf(slack.modals.get(v.previousViewId)!) : v);
  const offeredTo = (viewId: string): OfferedOptions => offered.get(viewId) ?? offered.set(viewId, new Map()).get(viewId)!;
  /** The person's top view, `viewId`; a view under another, closed or someone else's is refused. */
  const topView = (user: string, viewId: string): EmulatedView => {
    const top = stackOf(user).at(-1);
    if (!top || top.id !== viewId) throw new PageError('That form is no longer open.');
    return top;
  };
  const echo = (v: EmulatedView, values: PickedValues): Json & { id: string } =>
    refusing(() => echoedView(v, rootOf(v).id, stateValues(v, values, offeredTo(v.id))) as Json & { id: string });
  // Every body carries a fresh trigger_id: a views.push or views.open the app makes with it shows on the sender's page.
  const send = (body: string, user: string): ReturnType<ToBot> => {
    noteTrigger(body, user);
    return toBot(body);
  };
  const noteTrigger = (body: string, user: string): void => {
    const trigger = triggerIn(body);
    if (trigger) owners.set(trigger, user);
  };
  const answered = (res: { status: number; body: string }): unknown => {
    if (res.status !== 200) throw new PageError(`The bot answered HTTP ${res.status}.`);
    if (res.body.trim() === '') return undefined;
    try {
      return JSON.parse(res.body);
    } catch {
      throw new PageError('The bot answered with something that is not JSON.');
    }
  };

  return {
    /** Remembers who was given the trigger_id in `body`, so the view it opens shows on their page. */
    noteTrigger,
    /** The view on top of `viewer`'s stack, or null. */
    modalOf(viewer: string): ModalOnPage | null {
      const stack = stackOf(viewer);
      const top = stack.at(-1);
      if (!top) return null;
      const shown = errors.get(top.id);
      return { id: top.id, hash: top.hash, view: top.view, errors: shown?.hash === top.hash ? shown.errors : {}, depth: stack.length };
    },
    api: {
      async modalAction(body: unknown) {
        const req = Action.parse(body);
        const v = topView(req.user, req.viewId);
        const found = findElement(Array.isArray(v.view.blocks) ? (v.view.blocks as Json[]) : [], req.actionId);
        if (!found || (found.block.block_id ?? '') !== req.blockId) throw new PageError('That element is no longer there.');
        const { block, element } = found;
        // Slack sends an input block's element only when it dispatches actions; a button always.
        if (block.type === 'input' && block.dispatch_action !== true) return { status: 'kept' };
        const state =
          element.type === 'button'
            ? { type: 'button', text: element.text, value: element.value }
            : refusing(() => elementState(element, req.selected, offeredTo(v.id).get(offeredKey(req.blockId, req.actionId))));
        // The view's state already holds the pick, as in Slack.
        const values = req.selected === undefined ? req.values : { ...req.values, [req.blockId]: { ...req.values[req.blockId], [req.actionId]: req.selected } };
        return { status: (await send(viewActionBody(userOf(req.user), echo(v, values), req.blockId, req.actionId, state), req.user)).status };
      },
      async modalOptions(body: unknown) {
        const req = Options.parse(body);
        const v = topView(req.user, req.viewId);
        const answer = answered(await send(blockSuggestionBody(userOf(req.user), echo(v, req.values), req.blockId, req.actionId, req.query), req.user));
        const options = suggestedOptions(answer);
        // Kept so the pick can be checked and echoed with its text, as Slack echoes the option it showed.
        offeredTo(v.id).set(offeredKey(req.blockId, req.actionId), options);
        return { options: options.map((o) => ({ text: (o.text as Json).text, value: o.value })) };
      },
      async modalSubmit(body: unknown) {
        const req = OnView.parse(body);
        const v = topView(req.user, req.viewId);
        const ack = answered(await send(viewSubmissionBody(userOf(req.user), echo(v, req.values)), req.user));
        const outcome = slack.modalClient.respond(v.id, ack);
        if (outcome.kind === 'refused') throw new PageError(`Slack refused the bot's answer: ${outcome.error}.`);
        if (outcome.kind === 'errors') errors.set(v.id, { hash: v.hash, errors: outcome.errors });
        return { outcome: outcome.kind };
      },
      async modalClose(body: unknown) {
        const req = OnView.parse(body);
        const v = topView(req.user, req.viewId);
        const view = echo(v, req.values);
        slack.modalClient.close(v.id);
        if (v.view.notify_on_close !== true) return { closed: true };
        return { closed: true, status: (await send(viewClosedBody(userOf(req.user), view, false), req.user)).status };
      },
    },
  };
}

/** A refusal the page shows as it is (not a server failure). */
export class PageError extends Error {}

/** Runs `fn`, turning its error into a PageError (a value the view does not offer is the person's mistake). */
function refusing<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    throw new PageError(err instanceof Error ? err.message : String(err));
  }
}

/** The trigger_id of a signed form body (a slash command's field, or inside an interaction's `payload`). */
function triggerIn(body: string): string | undefined {
  if (body.startsWith('{')) return undefined;
  const params = new URLSearchParams(body);
  const direct = params.get('trigger_id');
  if (direct) return direct;
  try {
    const payload = JSON.parse(params.get('payload') ?? 'null') as { trigger_id?: unknown } | null;
    return typeof payload?.trigger_id === 'string' ? payload.trigger_id : undefined;
  } catch {
    return undefined;
  }
}
