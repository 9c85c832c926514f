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
export function emulateViews(teamId: string): { methods: Record<string, (args: Json) => MethodResult>; views: Map<string, EmulatedView> } {
  const views = new Map<string, EmulatedView>();
  const usedTriggers = new Set<string>();
  let counter = 0;
  const nextHash = (): string => `${Date.now()}.${(counter += 1)}`;
  const wire = (v: EmulatedView): MethodResult => ({
    ok: true,
    view: { ...v.view, id: v.id, hash: v.hash, team_id: teamId, ...(v.previousViewId ? { previous_view_id: v.previousViewId } : {}) },
  });

  const open = (args: Json, previousViewId?: string): MethodResult => {
    const trigger = typeof args.trigger_id === 'string' ? args.trigger_id : '';
    if (!trigger) return { ok: false, error: 'invalid_arguments' };
    // A trigger opens one view (Slack: trigger_id "can only be used once").
    if (usedTriggers.has(trigger)) return { ok: false, error: 'exchanged_trigger_id' };
    const invalid = invalidModal(args.view);
    if (invalid) return { ok: false, error: invalid };
    usedTriggers.add(trigger);
    counter += 1;
    const v: EmulatedView = {
      id: `VMODAL${String(counter).padStart(6, '0')}`,
      hash: nextHash(),
      triggerId: trigger,
      view: args.view as Json,
      versions: [args.view as Json],
      ...(previousViewId ? { previousViewId } : {}),
    };
    views.set(v.id, v);
    return wire(v);
  };

  return {
    views,
    methods: {
      'views.open': (args) => open(args),
      'views.push': (args) => {
        const top = [...views.values()].at(-1);
        return top ? open(args, top.id) : { ok: false, error: 'invalid_arguments' };
      },
      'views.update': (args) => {
        const byExternal = typeof args.external_id === 'string' ? [...views.values()].find((v) => v.view.external_id === args.external_id) : undefined;
        const v = typeof args.view_id === 'string' ? views.get(args.view_id) : byExternal;
        if (!v) return { ok: false, error: 'not_found' };
        // A stale hash means the view changed since the app read it (Slack: hash_conflict).
        if (typeof args.hash === 'string' && args.hash !== v.hash) return { ok: false, error: 'hash_conflict' };
        const invalid = invalidModal(args.view);
        if (invalid) return { ok: false, error: invalid };
        v.view = args.view as Json;
        v.versions.push(v.view);
        v.hash = nextHash();
        return wire(v);
      },
    },
  };
}
