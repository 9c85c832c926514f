import type { EmulatedView } from './fakes/slack-views';
import { APP_ID, optionsOf, TEAM_ID, triggerId, type SandboxUser } from './slack-requests';

// What Slack sends an app about a modal (https://api.slack.com/reference/interaction-payloads/views and
// /block-suggestion-payload): the view echoed back with `state.values`, built from what the page's inputs hold.

type Json = Record<string, unknown>;

/** What the page's inputs hold, by block id then action id: typed text, or the value of the picked option/conversation. */
export type PickedValues = Record<string, Record<string, string>>;

/** Slack's `view.state.values`: values[block_id][action_id] = { type, value } or { type, selected_option } … */
export type StateValues = Record<string, Record<string, Json>>;

/** Options the app offered an external_select (block_suggestion answers), by `block_id/action_id`. */
export type OfferedOptions = Map<string, Json[]>;

const TEXT_INPUTS = new Set(['plain_text_input', 'number_input', 'email_text_input', 'url_text_input']);
const asObjects = (v: unknown): Json[] => (Array.isArray(v) ? v.filter((x): x is Json => typeof x === 'object' && x !== null) : []);
const picked = (o: Json): Json => ({ text: o.text, value: o.value, ...(o.description ? { description: o.description } : {}) });

/** Where the options offered to an external_select are kept. */
export const offeredKey = (blockId: string, actionId: string): string => `${blockId}/${actionId}`;

/** The options of a block_suggestion answer (`options`, or `option_groups` flattened). */
export function suggestedOptions(answer: unknown): Json[] {
  if (typeof answer !== 'object' || answer === null) return [];
  const a = answer as { options?: unknown; option_groups?: unknown };
  return [...asObjects(a.options), ...asObjects(a.option_groups).flatMap((g) => asObjects(g.options))].filter(
    (o) => typeof o.value === 'string' && typeof (o.text as Json | undefined)?.text === 'string',
  );
}

/** The input blocks' elements of `blocks` with their block ids (Slack numbers unnamed blocks; the bot names its own). */
export function inputElements(blocks: Json[]): { blockId: string; element: Json; optional: boolean }[] {
  return blocks.flatMap((b, i) =>
    b.type === 'input' && typeof b.element === 'object' && b.element !== null
      ? [{ blockId: typeof b.block_id === 'string' ? b.block_id : `input-${i}`, element: b.element as Json, optional: b.optional === true }]
      : [],
  );
}

/**
 * The state Slack would report for one element holding `raw` (undefined: untouched). Throws when `raw` is
 * not something the element offers: the page can only pick what the view shows, so anything else is refused.
 */
export function elementState(element: Json, raw: string | undefined, offered: Json[] = []): Json {
  const type = String(element.type);
  // Untouched, an element reports its initial value, as Slack does; emptied ('') it reports none.
  const initial = element.initial_value ?? (element.initial_option as Json | undefined)?.value ?? element.initial_conversation;
  const given = raw ?? (typeof initial === 'string' || typeof initial === 'number' ? String(initial) : undefined);
  const value = given === undefined || given === '' ? undefined : given;
  if (TEXT_INPUTS.has(type)) {
    if (type === 'number_input' && value !== undefined && !Number.isFinite(Number(value))) throw new Error('Type a number.');
    return { type, value: value ?? null };
  }
  if (type === 'static_select' || type === 'external_select') {
    const choices = type === 'static_select' ? optionsOf(element) : [...offered, ...(element.initial_option ? [element.initial_option as Json] : [])];
    const option = value === undefined ? undefined : choices.find((o) => o.value === value);
    if (value !== undefined && !option) throw new Error('That option is not offered.');
    return { type, selected_option: option ? picked(option) : null };
  }
  if (type === 'checkboxes') {
    // Raw: the ticked values, one per line. Untouched, the initial options count (as Slack reports them).
    const options = optionsOf(element);
    const initial = (Array.isArray(element.initial_options) ? (element.initial_options as Json[]) : []).map((o) => String(o.value));
    const wanted = raw === undefined ? initial : raw.split('\n').filter((v) => v !== '');
    const chosen = wanted.map((v) => options.find((o) => o.value === v));
    if (chosen.some((o) => o === undefined)) throw new Error('That box is not offered.');
    return { type, selected_options: chosen.map((o) => picked(o!)) };
  }
  if (type === 'conversations_select') {
    if (value !== undefined && !/^[CGD][A-Z0-9]{2,}$/.test(value)) throw new Error('That is not a conversation.');
    return { type, selected_conversation: value ?? null };
  }
  throw new Error(`The sandbox cannot fill a ${type}.`);
}

/** `view.state.values` for the view's input blocks, from what the page's inputs hold. */
export function stateValues(view: EmulatedView, values: PickedValues, offered: OfferedOptions): StateValues {
  const state: StateValues = {};
  for (const { blockId, element } of inputElements(asObjects(view.view.blocks))) {
    const actionId = typeof element.action_id === 'string' ? element.action_id : 'value';
    state[blockId] = { [actionId]: elementState(element, values[blockId]?.[actionId], offered.get(offeredKey(blockId, actionId))) };
  }
  return state;
}

/** The view as Slack echoes it in a payload: what the app sent, plus its id, hash, stack and the state of its inputs. */
export function echoedView(view: EmulatedView, rootId: string, state: StateValues): Json {
  return {
    ...view.view,
    id: view.id,
    team_id: TEAM_ID,
    app_id: APP_ID,
    bot_id: 'BBOT',
    hash: view.hash,
    state: { values: state },
    previous_view_id: view.previousViewId ?? null,
    root_view_id: rootId,
    app_installed_team_id: TEAM_ID,
  };
}

const common = (user: SandboxUser): Json => ({
  user: { id: user.id, username: user.name, name: user.name, team_id: TEAM_ID },
  api_app_id: APP_ID,
  token: 'sandbox-verification-token',
  team: { id: TEAM_ID, domain: 'runbook-sandbox' },
  enterprise: null,
  is_enterprise_install: false,
});
const form = (payload: Json): string => new URLSearchParams({ payload: JSON.stringify(payload) }).toString();

/** A `block_suggestion`: the person typed `query` into external_select `actionId` of `view`; the app answers with options. */
export function blockSuggestionBody(user: SandboxUser, view: Json & { id: string }, blockId: string, actionId: string, query: string): string {
  return form({
    type: 'block_suggestion',
    ...common(user),
    container: { type: 'view', view_id: view.id },
    action_id: actionId,
    block_id: blockId,
    value: query,
    view,
  });
}

/** A `block_actions` from element `actionId` of a modal; `state` is the element's own state (its action, as Slack reports it). */
export function viewActionBody(user: SandboxUser, view: Json & { id: string }, blockId: string, actionId: string, state: Json): string {
  const action: Json = { ...state, action_id: actionId, block_id: blockId, action_ts: `${Date.now() / 1000}` };
  return form({ type: 'block_actions', ...common(user), container: { type: 'view', view_id: view.id }, trigger_id: triggerId(), view, actions: [action] });
}

/** A `view_submission` of `view` (its state already in it); the app answers with a response_action or an empty 200. */
export function viewSubmissionBody(user: SandboxUser, view: Json & { id: string }): string {
  return form({ type: 'view_submission', ...common(user), trigger_id: triggerId(), view, response_urls: [] });
}

/** A `view_closed` (sent only for views with notify_on_close); `cleared` when the whole stack closed. */
export function viewClosedBody(user: SandboxUser, view: Json & { id: string }, cleared: boolean): string {
  return form({ type: 'view_closed', ...common(user), view, is_cleared: cleared });
}
