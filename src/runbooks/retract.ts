import { z } from 'zod';
import { RETRACT_KINDS, type MetapodActions, type RetractKind } from '../actions/metapod/metapod-actions';
import { BackendError } from '../actions/http/errors';
import { makePlan } from '../operations/fingerprint';
import { UserFacingError, type Runbook, type StepOutcome } from '../operations/runbook';
import { arg } from '../operations/runbook-args';
import { stepKind } from '../operations/step-kinds';
import { defineRunbook, type RunbookHooks } from './define';
import { formatDuration } from '../util/duration';
import { escapeMrkdwn, showInput } from '../util/text';
import type { SonarActions } from '../actions/sonar/sonar-actions';
import type { Logger } from 'pino';
import type { PreviewLine } from '../operations/types';
import { lookUpDatasetName } from './names/dataset-name';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

// The nil UUID names nothing in Metapod: a placeholder pasted by mistake, never something to retract.
const NIL_UUID = '00000000-0000-0000-0000-000000000000';

const RetractInput = z.object({
  kind: z.enum(RETRACT_KINDS),
  id: z
    .string()
    .regex(UUID)
    .refine((id) => id !== NIL_UUID, 'the all-zero UUID names nothing'),
  /** The transaction a committed dataset belongs to (`--tx`): Sonar names the dataset through it. */
  tx: z.string().regex(UUID).optional(),
});
export type RetractInput = z.infer<typeof RetractInput>;

const MEANING: Record<RetractKind, { label: string; explanation: string }> = {
  attribute: {
    label: 'attribute',
    explanation: 'Retracts the attribute whose `:attribute/id` is this id. A Datomic retraction: the facts stop being current, history keeps them.',
  },
  'indexed-attribute': {
    label: 'indexed attribute',
    explanation:
      'Retracts the indexed attribute whose `:indexed-attribute/id` is this id. A Datomic retraction: the facts stop being current, history keeps them.',
  },
  'committed-dataset': {
    label: 'committed dataset',
    explanation:
      'Retracts only the information committed about the dataset whose `:dataset/id` is this id (path, format, partitions…). The dataset itself stays in its transaction.',
  },
};

const NOT_ASCII = /[^\x00-\x7f]/; // eslint-disable-line no-control-regex

/** The words of `/runbook retract <kind> <id>`; the command parser, help and form are generated from them. */
export const RetractArgs = z.object({
  kind: arg(z.enum(RETRACT_KINDS), {
    label: 'kind',
    positional: 0,
    description: 'what the id names: an attribute, an indexed attribute, or the information committed about a dataset',
    example: 'committed-dataset',
  }),
  id: arg(
    z
      .string()
      .regex(UUID, {
        error: (iss) =>
          `${showInput(String(iss.input))} is not a UUID (like \`5f2c0a4e-8d1b-4c3a-9f6e-1b2c3d4e5f60\`).${NOT_ASCII.test(String(iss.input)) ? ' It contains characters that are not plain ASCII (a typographic dash pasted from a document?).' : ''}`,
      })
      .toLowerCase(),
    {
      label: 'id',
      positional: 1,
      description: 'the UUID of what to retract (its `:dataset/id`, `:attribute/id`…)',
      example: '5f2c0a4e-8d1b-4c3a-9f6e-1b2c3d4e5f60',
    },
  ),
  tx: arg(
    z
      .string()
      .regex(UUID, { error: (iss) => `${showInput(String(iss.input))} is not a transaction id (a UUID like \`f7832a01-001b-56f7-a4fe-b3a417f8f654\`).` })
      .toLowerCase()
      .optional(),
    {
      label: 'transaction',
      flag: 'tx',
      description: 'the transaction of a committed dataset, so that Sonar can name the dataset in the plan',
      example: 'f7832a01-001b-56f7-a4fe-b3a417f8f654',
    },
  ),
});

/** "Removing bad data from Metapod": one mutating POST to a retraction migration. */
export const retract = defineRunbook({
  name: 'retract',
  title: 'Retract data from Metapod',
  requires: ['metapod'],
  args: RetractArgs,
  input: RetractInput,
  toInput: (args) => {
    if (args.id === NIL_UUID)
      throw new UserFacingError(`\`${NIL_UUID}\` is the all-zero UUID, a placeholder that names nothing: give the real id of the ${MEANING[args.kind].label}.`);
    if (args.tx !== undefined && args.kind !== 'committed-dataset')
      throw new UserFacingError(`\`--tx\` names the transaction of a committed dataset; it does not apply to an ${MEANING[args.kind].label}.`);
    const { tx, ...rest } = args;
    return tx ? { ...rest, tx } : rest;
  },
  pure: () => ({ targetOf: (input) => `${input.kind}:${input.id}` }),
  create: ({ metapod, sonar }) => retractHooks(metapod, sonar),
});

/** Parses `retract <kind> <uuid>` (the generated parser); every problem is explained in words. */
export const parseRetract = retract.parse;

/** The retract runbook with this Metapod (undefined: listed, refusing with the "not configured" text). */
export function retractRunbook(metapod: MetapodActions | undefined, sonar?: SonarActions): Runbook<RetractInput> {
  return retract.create({ metapod, sonar });
}

/** "Removing bad data from Metapod": one mutating POST to a retraction migration. */
function retractHooks(metapod: MetapodActions, sonar: SonarActions | undefined): RunbookHooks<RetractInput> {
  return {
    async buildPlan(input, ctx) {
      const { label, explanation } = MEANING[input.kind];
      const url = metapod.retractUrl(input.kind, input.id);
      const named = await nameOf(sonar, input, ctx.logger);
      return Promise.resolve(
        makePlan({
          runbook: 'retract',
          title: named.known ? `Retract ${label} ${named.known} (${input.id})` : `Retract ${label} ${input.id}`,
          summary: `Retract the ${label} ${named.known ? `*${escapeMrkdwn(named.known)}* (\`${input.id}\`)` : `\`${input.id}\``} from Metapod.`,
          facts: { url },
          steps: [
            {
              id: 'retract',
              title: named.known ? `Retract ${label} \`${named.known}\`` : `Retract ${label} \`${input.id}\``,
              risk: 'mutating',
              preview: [{ label: 'Request', value: `POST ${url}\n(empty body)`, code: true }, named.line],
              explanation,
              verification: 'Metapod answers with a 2xx status; the answer is posted in this thread.',
              action: { kind: 'metapod.retract', params: { kind: input.kind, id: input.id } },
            },
          ],
        }),
      );
    },
    steps: [retractStep(metapod)],
  };
}

/** The parameters of a retraction step: exactly what is POSTed (stored with the plan, parsed again before it runs). */
const RetractParams = RetractInput.pick({ kind: true, id: true });

/** `metapod.retract`: one POST to Metapod's retraction migration for this kind and id. */
function retractStep(metapod: MetapodActions) {
  return stepKind({
    kind: 'metapod.retract',
    params: RetractParams,
    async run(params, _input: RetractInput, ctx): Promise<StepOutcome> {
      try {
        const result = await metapod.retract(params.kind, params.id, ctx.signal);
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
        const details =
          err.status !== undefined
            ? [
                { label: 'Status', value: String(err.status) },
                { label: 'Response', value: err.bodySummary ?? '', code: true },
              ]
            : [];
        return { ok: false, summary: err.message, details };
      }
    },
  });
}

/** What the id names, in words, for the plan: a dataset's name from Sonar, or why it is unknown. */
async function nameOf(sonar: SonarActions | undefined, input: RetractInput, logger: Logger): Promise<{ known?: string; line: PreviewLine }> {
  const label = MEANING[input.kind].label;
  if (input.kind !== 'committed-dataset') {
    // Sonar documents no lookup of attributes by id; Metapod's retraction API takes only the id.
    return { line: { label: 'What this id names', value: `name unknown: Sonar has no lookup of an ${label} by id, so check it before approving` } };
  }
  const found = await lookUpDatasetName(sonar, input.id, input.tx, { logger });
  if (found.kind === 'unknown') return { line: { label: 'What this id names', value: `name unknown: ${found.why}. Check the ${label} before approving` } };
  const committed = found.committed ? 'committed' : 'NOT committed, per Sonar: there may be nothing to retract';
  return { known: found.name, line: { label: 'What this id names', value: `${found.name} in transaction ${found.transactionId} (from Sonar; ${committed})` } };
}
