import { z } from 'zod';
import { RETRACT_KINDS, type MetapodActions, type RetractKind } from '../actions/metapod/metapod-actions';
import { BackendError } from '../actions/http/errors';
import { makePlan } from '../operations/fingerprint';
import { arg } from '../operations/runbook-args';
import { UserFacingError, type ParseResult, type Runbook, type StepOutcome } from '../operations/runbook';
import { formatDuration } from '../util/duration';
import { showInput } from '../util/text';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

// The nil UUID names nothing in Metapod: a placeholder pasted by mistake, never something to retract.
const NIL_UUID = '00000000-0000-0000-0000-000000000000';

const RetractInput = z.object({ kind: z.enum(RETRACT_KINDS), id: z.string().regex(UUID).refine((id) => id !== NIL_UUID, 'the all-zero UUID names nothing') });
export type RetractInput = z.infer<typeof RetractInput>;

/** The words of `retract <kind> <id>` for help and the form (parseRetract still reads them). */
const RetractArgs = z.object({
  kind: arg(z.enum(RETRACT_KINDS), { label: 'What to retract', positional: 0, description: 'The kind of Metapod entity the id names.' }),
  id: arg(z.string().regex(UUID, 'not a UUID'), { label: 'Id', positional: 1, description: 'Its UUID in Metapod (`:dataset/id`, `:attribute/id`…).', example: '5f2c0a4e-8d1b-4c3a-9f6e-1b2c3d4e5f60' }),
});

const MEANING: Record<RetractKind, { label: string; explanation: string }> = {
  attribute: {
    label: 'attribute',
    explanation: 'Retracts the attribute whose `:attribute/id` is this id. A Datomic retraction: the facts stop being current, history keeps them.',
  },
  'indexed-attribute': {
    label: 'indexed attribute',
    explanation: 'Retracts the indexed attribute whose `:indexed-attribute/id` is this id. A Datomic retraction: the facts stop being current, history keeps them.',
  },
  'committed-dataset': {
    label: 'committed dataset',
    explanation:
      'Retracts only the information committed about the dataset whose `:dataset/id` is this id (path, format, partitions…). The dataset itself stays in its transaction.',
  },
};

const USAGE = ['/runbook retract <attribute|indexed-attribute|committed-dataset> <id>   (id: a UUID)'];

/** Parses `retract <kind> <uuid>`; every problem is explained in words. */
export function parseRetract(args: string[]): ParseResult<RetractInput> {
  const [rawKind, id, ...extra] = args;
  const kind = rawKind?.toLowerCase();
  if (kind === undefined) return { ok: false, error: 'Say what to retract: a kind and an id.' };
  if (!(RETRACT_KINDS as readonly string[]).includes(kind)) {
    return { ok: false, error: `Unknown kind ${showInput(rawKind!)}: use ${RETRACT_KINDS.map((k) => `\`${k}\``).join(', ')}.` };
  }
  if (id === undefined) return { ok: false, error: `Give the id of the ${MEANING[kind as RetractKind].label} to retract.` };
  if (!UUID.test(id)) {
    // eslint-disable-next-line no-control-regex
    const hint = /[^\x00-\x7f]/.test(id) ? ' It contains characters that are not plain ASCII (a typographic dash pasted from a document?).' : '';
    return { ok: false, error: `${showInput(id)} is not a UUID (like \`5f2c0a4e-8d1b-4c3a-9f6e-1b2c3d4e5f60\`).${hint}` };
  }
  if (id.toLowerCase() === NIL_UUID) return { ok: false, error: `\`${NIL_UUID}\` is the all-zero UUID, a placeholder that names nothing: give the real id of the ${MEANING[kind as RetractKind].label}.` };
  if (extra.length > 0) return { ok: false, error: `Unexpected words after the id: ${showInput(extra.join(' '))}.` };
  return { ok: true, value: { kind: kind as RetractKind, id: id.toLowerCase() } };
}

/** "Removing bad data from Metapod": one mutating POST to a retraction migration. */
export function retractRunbook(metapod: MetapodActions | undefined): Runbook<RetractInput> {
  return {
    name: 'retract',
    title: 'Retract data from Metapod',
    usage: USAGE,
    inputSchema: RetractInput,
    parse: parseRetract,
    args: RetractArgs,
    targetOf: (input) => `${input.kind}:${input.id}`,
    buildPlan(input) {
      if (!metapod) {
        return Promise.reject(new UserFacingError('Retraction is disabled: `METAPOD_URL` is not configured. Ask whoever runs the bot to set it.', 'not_configured'));
      }
      const { label, explanation } = MEANING[input.kind];
      const url = metapod.retractUrl(input.kind, input.id);
      return Promise.resolve(
        makePlan({
          runbook: 'retract',
          title: `Retract ${label} ${input.id}`,
          summary: `Retract the ${label} \`${input.id}\` from Metapod.`,
          facts: { url },
          steps: [
            {
              id: 'retract',
              title: `Retract ${label} \`${input.id}\``,
              risk: 'mutating',
              preview: [
                { label: 'Request', value: `POST ${url}\n(empty body)`, code: true },
                // Metapod's retraction API takes only the id; the bot has no read-only way to name what it is.
                { label: 'What this id names', value: `not known to the bot (Metapod's retraction API takes only the id): check the ${label} before approving` },
              ],
              explanation,
              verification: 'Metapod answers with a 2xx status; the answer is posted in this thread.',
              action: { kind: 'metapod.retract', params: { kind: input.kind, id: input.id } },
            },
          ],
        }),
      );
    },
    async runStep(_step, input, ctx): Promise<StepOutcome> {
      if (!metapod) return { ok: false, summary: 'Retraction is disabled: `METAPOD_URL` is not configured.' };
      try {
        const result = await metapod.retract(input.kind, input.id, ctx.signal);
        return {
          ok: true,
          summary: `Metapod answered ${result.status} in ${formatDuration(result.durationMs)}.`,
          details: [
            { label: 'Status', value: String(result.status) },
            { label: 'Response', value: result.summary, code: true },
          ],
          externalIds: result.requestId ? { metapodRequestId: result.requestId } : undefined,
        };
      } catch (err) {
        if (!(err instanceof BackendError)) throw err;
        const details = err.status !== undefined ? [{ label: 'Status', value: String(err.status) }, { label: 'Response', value: err.bodySummary ?? '', code: true }] : [];
        return { ok: false, summary: err.message, details };
      }
    },
  };
}
