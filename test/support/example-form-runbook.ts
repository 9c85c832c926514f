// A test-only runbook that declares `args` with every kind of field a form renders: a positional field fed
// by a lookup, an enum flag, an optional flag fed by another lookup, and an optional free-text flag.
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { makePlan } from '../../src/operations/fingerprint';
import type { ParseResult, Runbook } from '../../src/operations/runbook';
import { arg } from '../../src/operations/runbook-args';
import { stepKind } from '../../src/operations/step-kinds';

const NAME = /^[a-z][a-z0-9-]{0,62}$/;
const ReindexInput = z.object({
  service: z.string().regex(NAME),
  mode: z.enum(['incremental', 'full']),
  table: z.string().regex(NAME).optional(),
  reason: z.string().max(200).optional(),
});
export type ReindexInput = z.infer<typeof ReindexInput>;

/** `reindex <service> --mode incremental|full [--table <t>] [--reason <text>]`. */
export const ReindexArgs = z.object({
  service: arg(z.string().regex(NAME, 'lowercase letters, digits and dashes'), {
    label: 'Service',
    positional: 0,
    description: 'The service whose index is rebuilt.',
    example: 'analytics',
    lookup: 'services',
  }),
  mode: arg(z.enum(['incremental', 'full']), { label: 'Mode', flag: 'mode', description: 'full rebuilds from scratch.' }),
  table: arg(z.string().regex(NAME).optional(), { label: 'Datomic table', flag: 'table', lookup: 'datomic-tables' }),
  reason: arg(z.string().max(200).optional(), { label: 'Reason', flag: 'reason', example: 'index drift after the migration' }),
});

function parseReindex(words: string[]): ParseResult<ReindexInput> {
  try {
    const { values, positionals } = parseArgs({
      args: words,
      allowPositionals: true,
      strict: true,
      options: { mode: { type: 'string' }, table: { type: 'string' }, reason: { type: 'string' } },
    });
    const parsed = ReindexInput.safeParse({ service: positionals[0], ...values });
    if (positionals.length > 1) return { ok: false, error: `Unexpected words: ${positionals.slice(1).join(' ')}` };
    return parsed.success
      ? { ok: true, value: parsed.data }
      : { ok: false, error: `Not a reindex request: ${parsed.error.issues[0]?.path.join('.')} ${parsed.error.issues[0]?.message}` };
  } catch (err) {
    return { ok: false, error: (err as Error).message };
  }
}

/** The example runbook (plans one read-only step; never run by the tests that use it). */
export function reindexRunbook(): Runbook<ReindexInput> {
  return {
    name: 'reindex',
    title: 'Rebuild a service index',
    usage: ['/runbook reindex <service> --mode incremental|full [--table <t>] [--reason <text>]'],
    inputSchema: ReindexInput,
    parse: parseReindex,
    args: ReindexArgs,
    buildPlan: (input) =>
      Promise.resolve(
        makePlan({
          runbook: 'reindex',
          title: `Reindex ${input.service}`,
          summary: `Reindex ${input.service} (${input.mode}).`,
          facts: {},
          steps: [
            {
              id: 'reindex',
              title: 'Reindex',
              risk: 'read-only',
              preview: [],
              explanation: 'Example.',
              verification: 'None.',
              action: { kind: 'example.reindex', params: {} },
            },
          ],
        }),
      ),
    steps: [stepKind({ kind: 'example.reindex', params: z.object({}), run: () => Promise.resolve({ ok: true, summary: 'done' }) })],
  };
}
