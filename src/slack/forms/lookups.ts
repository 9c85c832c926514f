/**
 * Read-only lookups that fill a form's select menus (ArgMeta.lookup names one). A lookup answers within
 * its deadline or not at all: the form then shows a text input and says why, and the value typed is
 * validated by the runbook's schema like any other (a listed choice is never trusted because it was offered).
 */

/** Slack's static_select holds at most 100 options. */
export const MAX_LOOKUP_ITEMS = 100;
/** A lookup runs while the person waits for the form: Slack's trigger and their patience are short. */
export const LOOKUP_DEADLINE_MS = 2_500;

/** One named lookup: lists choices, read-only, honouring the abort signal. */
export type LookupFn = (signal: AbortSignal) => Promise<string[]>;

/** The lookups this deployment can run, by name (supplied from wiring.ts). */
export interface FormLookups {
  /** The lookup named `name`, or undefined when this deployment has none by that name. */
  get(name: string): LookupFn | undefined;
}

/** What a lookup gave the form: choices, or why there are none. */
export type LookupOutcome = { ok: true; items: string[]; truncated: boolean } | { ok: false; reason: string };

/** Runs lookup `name` under a deadline and an item cap; never throws. */
export async function runLookup(lookups: FormLookups | undefined, name: string, deadlineMs = LOOKUP_DEADLINE_MS): Promise<LookupOutcome> {
  const fn = lookups?.get(name);
  if (!fn) return { ok: false, reason: `no \`${name}\` lookup is configured in this deployment` };
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<LookupOutcome>((resolve) => {
    timer = setTimeout(() => {
      controller.abort();
      resolve({ ok: false, reason: `listing \`${name}\` took longer than ${(deadlineMs / 1000).toFixed(1)} s` });
    }, deadlineMs);
  });
  const listed = fn(controller.signal).then(
    (items): LookupOutcome => {
      const unique = [...new Set(items.filter((i) => i.length > 0))].sort();
      if (unique.length === 0) return { ok: false, reason: `\`${name}\` listed nothing` };
      return { ok: true, items: unique.slice(0, MAX_LOOKUP_ITEMS), truncated: unique.length > MAX_LOOKUP_ITEMS };
    },
    (err: unknown): LookupOutcome => ({ ok: false, reason: `could not list \`${name}\`: ${err instanceof Error ? err.message : String(err)}` }),
  );
  try {
    return await Promise.race([listed, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/** A FormLookups over a plain table of lookup functions. */
export function lookupTable(table: Record<string, LookupFn | undefined>): FormLookups {
  return { get: (name) => (Object.hasOwn(table, name) ? table[name] : undefined) };
}
