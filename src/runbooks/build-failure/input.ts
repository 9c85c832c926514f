import { z } from 'zod';
import type { AirflowTaskFailure } from '../../alarms/types';
import { arg } from '../../operations/runbook-args';
import { isPathSegment } from '../../actions/http/path-segment';
import { showInput } from '../../util/text';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const DAG_ID = /^[\w.-]{1,250}$/;
// Airflow run ids look like `scheduled__2026-11-24T03:00:00+00:00` or `manual__...`.
const RUN_ID = /^[\w.:+-]{1,250}$/;
const BASE = /^[a-z0-9][a-z0-9._-]{0,120}$/;

export const BuildFailureInput = z.object({
  transactionId: z.string().regex(UUID),
  dagId: z.string().regex(DAG_ID).refine(isPathSegment, 'a DAG id cannot be `.` or `..`').optional(),
  dagRunId: z.string().regex(RUN_ID).refine(isPathSegment, 'a run id cannot be `.` or `..`').optional(),
  /** Handle this dataset/model (base name) when the transaction has several failures. */
  only: z.string().regex(BASE).optional(),
});
export type BuildFailureInput = z.infer<typeof BuildFailureInput>;

const not = (what: string) => (iss: { input: unknown }) => `${showInput(String(iss.input))} is not ${what}.`;
const notName = (what: string) => (iss: { input: unknown }) => `${showInput(String(iss.input))} is not ${what}: \`.\` and \`..\` are not names.`;

/** The words of `/runbook build-failure`; the command parser, help and form are generated from them. */
export const BuildFailureArgs = z.object({
  transactionId: arg(
    z
      .string()
      .toLowerCase()
      .regex(UUID, { error: (iss) => `${showInput(String(iss.input))} is not a transaction id (a UUID like \`f7832a01-001b-56f7-a4fe-b3a417f8f654\`).` }),
    {
      label: 'transaction id',
      positional: 0,
      description: 'the transaction of the failed run (a UUID, posted in #guild-data-eng)',
      example: 'f7832a01-001b-56f7-a4fe-b3a417f8f654',
    },
  ),
  dagRunId: arg(
    z
      .string()
      .regex(RUN_ID, { error: not('an Airflow DAG run id') })
      .refine(isPathSegment, { error: notName('an Airflow DAG run id') })
      .optional(),
    {
      label: 'Airflow DAG run id',
      flag: 'run',
      description: 'the failed Airflow run; without it, the latest runs are searched',
      example: 'scheduled__2026-11-24T03:00:00+00:00',
    },
  ),
  dagId: arg(
    z
      .string()
      .regex(DAG_ID, { error: not('an Airflow DAG id') })
      .refine(isPathSegment, { error: notName('an Airflow DAG id') })
      .optional(),
    {
      label: 'Airflow DAG id',
      flag: 'dag',
      description: 'the DAG of the run (default: the dagão)',
      example: 'dagao',
    },
  ),
  only: arg(
    z
      .string()
      .toLowerCase()
      .overwrite((v) => v.replace(/^(dataset|model)\//, ''))
      .regex(BASE, { error: not('a dataset or model name like `fx-model`') })
      .refine(isPathSegment, { error: notName('a dataset or model name') })
      .optional(),
    {
      label: 'dataset or model',
      flag: 'only',
      description: 'handle only this failed task when the transaction has several',
      example: 'fx-model',
      lookup: 'dagao-failed-tasks',
    },
  ),
});

/** The input from the parsed words: absent options are left out, never carried as `undefined`. */
export function buildFailureInputOf(args: z.output<typeof BuildFailureArgs>): BuildFailureInput {
  const { transactionId, dagRunId, dagId, only } = args;
  return { transactionId, ...(dagRunId ? { dagRunId } : {}), ...(dagId ? { dagId } : {}), ...(only ? { only } : {}) };
}

/** The input proposed for an Airflow task failure that names a transaction, outside the dagão (its own runbook). */
export function inputFromAlarm(alarm: AirflowTaskFailure, dagaoDagId: string): BuildFailureInput | undefined {
  if (alarm.state !== 'ALARM' || alarm.dagId === dagaoDagId || !alarm.transactionId) return undefined;
  return alarmInput(alarm);
}

/**
 * The input offered (a button, not started) for a failure of the dagão that names its transaction: the
 * dagão runbook claims it, but a failed dataset or model task inside the nightly run is this runbook's case.
 */
export function offerFromAlarm(alarm: AirflowTaskFailure, dagaoDagId: string): BuildFailureInput | undefined {
  if (alarm.state !== 'ALARM' || alarm.dagId !== dagaoDagId || !alarm.transactionId) return undefined;
  return alarmInput(alarm);
}

// Only what the alarm said: an absent run id is left out, never carried (and shown) as `undefined`.
function alarmInput(alarm: AirflowTaskFailure): BuildFailureInput | undefined {
  const parsed = BuildFailureInput.safeParse({
    transactionId: alarm.transactionId?.toLowerCase(),
    dagId: alarm.dagId,
    ...(alarm.runId ? { dagRunId: alarm.runId } : {}),
  });
  return parsed.success ? parsed.data : undefined;
}
