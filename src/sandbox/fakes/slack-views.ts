// Modals for the Slack emulator: views.open, views.update and views.push as Slack documents them
// (https://api.slack.com/methods/views.open, /views.update, /views.push). Kept beside slack-api.ts so the
// emulator's main file only spreads these methods in.

type Json = Record<string, unknown>;
type MethodResult = Json & { ok: boolean };

/** A modal the app opened, as it is now, with every version the app sent. */
export interface EmulatedView {
  id: string;
  hash: string;
  /** The trigger_id it was opened (or pushed) with. */
  triggerId: string;
  /** The view as last sent by the app. */
  view: Json;
  versions: Json[];
  /** The view id this one was pushed on top of. */
  previousViewId?: string;
  /** Closed by the person (Cancel), by a submission, or by `clear`: no longer on screen, no longer updatable. */
  closed?: boolean;
}

/** What Slack did with the app's answer to a view_submission (https://api.slack.com/surfaces/modals#interactions). */
export type SubmissionOutcome =
  | { kind: 'errors'; errors: Record<string, string> }
  | { kind: 'update' | 'push'; view: EmulatedView }
  | { kind: 'clear' | 'close' }
  | { kind: 'refused'; error: string };

/** Modal operations only Slack's client performs (answers to submissions, the person closing a view). */
export interface ModalClient {
  /** Applies the app's ack body (undefined: an empty 200) to a submission of view `id`. */
  respond(id: string, ack: unknown): SubmissionOutcome;
  /** The person closes view `id` (the views pushed on it close with it). */
  close(id: string): void;
}

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const textLength = (v: unknown): number => (isObject(v) && typeof v.text === 'string' ? v.text.length : -1);

/** Slack's checks of a modal view (type, title ≤ 24, ≤ 100 blocks, callback_id and metadata sizes). */
function invalidModal(view: unknown): string | undefined {
  if (!isObject(view) || view.type !== 'modal' || !Array.isArray(view.blocks)) return 'invalid_arguments';
  const title = textLength(view.title);
  if (title < 1 || title > 24) return 'invalid_arguments';
  if (view.blocks.length > 100) return 'invalid_blocks';
  if (typeof view.private_metadata === 'string' && view.private_metadata.length > 3000) return 'invalid_arguments';
  if (typeof view.callback_id === 'string' && view.callback_id.length > 255) return 'invalid_arguments';
  return undefined;
}

/** The views.* methods over a store of open modals (`views`, by view id). */
export function emulateViews(teamId: string): { methods: Record<string, (args: Json) => MethodResult>; views: Map<string, EmulatedView>; client: ModalClient } {
  const views = new Map<string, EmulatedView>();
  const usedTriggers = new Set<string>();
  let counter = 0;
  const nextHash = (): string => `${Date.now()}.${(counter += 1)}`;
  const wire = (v: EmulatedView): MethodResult => ({
    ok: true,
    view: { ...v.view, id: v.id, hash: v.hash, team_id: teamId, ...(v.previousViewId ? { previous_view_id: v.previousViewId } : {}) },
  });

  const create = (view: Json, trigger: string, previousViewId?: string): EmulatedView => {
    counter += 1;
    const v: EmulatedView = {
      id: `VMODAL${String(counter).padStart(6, '0')}`,
      hash: nextHash(),
      triggerId: trigger,
      view,
      versions: [view],
      ...(previousViewId ? { previousViewId } : {}),
    };
    views.set(v.id, v);
    return v;
  };
  const replace = (v: EmulatedView, view: Json): void => {
    v.view = view;
    v.versions.push(view);
    v.hash = nextHash();
  };
  /** The open views stacked on `id`, `id` first. */
  const stackFrom = (id: string): EmulatedView[] => {
    const stack: EmulatedView[] = [];
    for (let v = views.get(id); v && !v.closed; v = [...views.values()].find((o) => o.previousViewId === v.id && !o.closed)) stack.push(v);
    return stack;
  };
  const rootOf = (v: EmulatedView): EmulatedView => {
    let root = v;
    while (root.previousViewId && views.get(root.previousViewId)) root = views.get(root.previousViewId)!;
    return root;
  };

  const open = (args: Json, previousViewId?: string): MethodResult => {
    const trigger = typeof args.trigger_id === 'string' ? args.trigger_id : '';
    if (!trigger) return { ok: false, error: 'invalid_arguments' };
    // A trigger opens one view (Slack: trigger_id "can only be used once").
    if (usedTriggers.has(trigger)) return { ok: false, error: 'exchanged_trigger_id' };
    const invalid = invalidModal(args.view);
    if (invalid) return { ok: false, error: invalid };
    usedTriggers.add(trigger);
    return wire(create(args.view as Json, trigger, previousViewId));
  };
  const client: ModalClient = {
    respond(id, ack) {
      const v = views.get(id);
      if (!v || v.closed) return { kind: 'refused', error: 'not_found' };
      const body = isObject(ack) ? ack : {};
      switch (body.response_action) {
        case undefined:
          client.close(id);
          return { kind: 'close' };
        case 'errors':
          return isObject(body.errors) && Object.values(body.errors).every((e) => typeof e === 'string')
            ? { kind: 'errors', errors: body.errors as Record<string, string> }
            : { kind: 'refused', error: 'invalid_errors' };
        case 'clear':
          client.close(rootOf(v).id);
          return { kind: 'clear' };
        case 'update':
        case 'push': {
          const invalid = invalidModal(body.view);
          if (invalid) return { kind: 'refused', error: invalid };
          if (body.response_action === 'update') replace(v, body.view as Json);
          return { kind: body.response_action, view: body.response_action === 'update' ? v : create(body.view as Json, v.triggerId, v.id) };
        }
        default:
          return { kind: 'refused', error: 'invalid_response_action' };
      }
    },
    close(id) {
      for (const v of stackFrom(id)) v.closed = true;
    },
  };
  return {
    views,
    client,
    methods: {
      'views.open': (args) => open(args),
      'views.push': (args) => {
        const top = [...views.values()].filter((v) => !v.closed).at(-1);
        return top ? open(args, top.id) : { ok: false, error: 'invalid_arguments' };
      },
      'views.update': (args) => {
        const byExternal = typeof args.external_id === 'string' ? [...views.values()].find((v) => v.view.external_id === args.external_id) : undefined;
        const v = typeof args.view_id === 'string' ? views.get(args.view_id) : byExternal;
        if (!v || v.closed) return { ok: false, error: 'not_found' };
        // A stale hash means the view changed since the app read it (Slack: hash_conflict).
        if (typeof args.hash === 'string' && args.hash !== v.hash) return { ok: false, error: 'hash_conflict' };
        const invalid = invalidModal(args.view);
        if (invalid) return { ok: false, error: invalid };
        replace(v, args.view as Json);
        return wire(v);
      },
    },
  };
}
