// Payloads Slack sends for modals and shortcuts, shaped after https://api.slack.com/reference/interaction-payloads
// (shortcuts, block_actions from a view, view_submission). Each is POSTed as `payload=<urlencoded JSON>`.
import type { EmulatedView } from '../../src/sandbox/fakes/slack-views';

const TEAM = { id: 'T0001', domain: 'runbook-test' };
const APP = 'A0RUNBOOK';
const TOKEN = 'fixtureVerificationToken';
let sequence = 0;

/** A fresh trigger id in Slack's shape (`<ts>.<team digits>.<hex>`). */
export function triggerId(): string {
  sequence += 1;
  return `${1710000000 + sequence}.2345678901.${sequence.toString(16).padStart(32, 'a')}`;
}

const user = (id: string): Record<string, unknown> => ({ id, username: `user-${id.toLowerCase()}`, name: `user-${id.toLowerCase()}`, team_id: TEAM.id });
const form = (payload: unknown): string => new URLSearchParams({ payload: JSON.stringify(payload) }).toString();

/** The view as Slack echoes it back in a payload: the app's view plus id, hash and the state of its inputs. */
function echoed(view: EmulatedView, values: Record<string, Record<string, unknown>>): Record<string, unknown> {
  return { ...view.view, id: view.id, hash: view.hash, team_id: TEAM.id, app_id: APP, state: { values }, root_view_id: view.id, previous_view_id: null };
}

/** A global shortcut (`type: shortcut`) with `callbackId`. */
export function globalShortcut(callbackId: string, userId: string, trigger = triggerId()): string {
  return form({
    type: 'shortcut',
    token: TOKEN,
    action_ts: '1710000000.000100',
    team: TEAM,
    user: user(userId),
    is_enterprise_install: false,
    enterprise: null,
    callback_id: callbackId,
    trigger_id: trigger,
  });
}

/** A button click in the App Home tab (container `view`, view type `home`). */
export function homeButton(actionId: string, userId: string, trigger = triggerId()): string {
  return form({
    type: 'block_actions',
    user: user(userId),
    api_app_id: APP,
    token: TOKEN,
    container: { type: 'view', view_id: 'VHOME0001' },
    trigger_id: trigger,
    team: TEAM,
    enterprise: null,
    is_enterprise_install: false,
    view: {
      id: 'VHOME0001',
      type: 'home',
      blocks: [],
      private_metadata: '',
      callback_id: '',
      state: { values: {} },
      hash: '1.1',
      team_id: TEAM.id,
      app_id: APP,
    },
    actions: [
      { type: 'button', action_id: actionId, block_id: 'home:form', text: { type: 'plain_text', text: 'Run a runbook…' }, action_ts: '1710000000.000200' },
    ],
  });
}

/** A choice in a static_select of a modal (block_actions from the view). */
export function selectInView(view: EmulatedView, blockId: string, actionId: string, value: string, userId: string): string {
  const selected = { text: { type: 'plain_text', text: value }, value };
  return form({
    type: 'block_actions',
    user: user(userId),
    api_app_id: APP,
    token: TOKEN,
    container: { type: 'view', view_id: view.id },
    trigger_id: triggerId(),
    team: TEAM,
    enterprise: null,
    is_enterprise_install: false,
    view: echoed(view, { [blockId]: { [actionId]: { type: 'static_select', selected_option: selected } } }),
    actions: [{ type: 'static_select', action_id: actionId, block_id: blockId, selected_option: selected, action_ts: '1710000000.000300' }],
  });
}

/** What one input holds at submission: typed text, a picked option, or a picked conversation. */
export type InputValue = { text: string } | { option: string } | { conversation: string };

/** A view_submission of `view` whose inputs (by block id, action id `value` unless said) hold `inputs`. */
export function submitView(view: EmulatedView, inputs: Record<string, InputValue>, userId: string, actionIds: Record<string, string> = {}): string {
  const values: Record<string, Record<string, unknown>> = {};
  for (const [blockId, v] of Object.entries(inputs)) {
    const state =
      'text' in v
        ? { type: 'plain_text_input', value: v.text }
        : 'option' in v
          ? { type: 'static_select', selected_option: { text: { type: 'plain_text', text: v.option }, value: v.option } }
          : { type: 'conversations_select', selected_conversation: v.conversation };
    values[blockId] = { [actionIds[blockId] ?? 'value']: state };
  }
  return form({
    type: 'view_submission',
    team: TEAM,
    user: user(userId),
    api_app_id: APP,
    token: TOKEN,
    trigger_id: triggerId(),
    view: echoed(view, values),
    response_urls: [],
    is_enterprise_install: false,
    enterprise: null,
  });
}
