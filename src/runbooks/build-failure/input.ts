import { z } from 'zod';
import type { AirflowTaskFailure } from '../../alarms/types';
import type { ParseResult } from '../../operations/runbook';
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

export const USAGE = [
  '/runbook build-failure <transaction-id> [--run <airflow-dag-run-id>] [--dag <dag-id>] [--only <dataset-or-model>]',
];

const FLAGS = { '--run': 'dagRunId', '--dag': 'dagId', '--only': 'only' } as const;
const PATTERNS = { dagRunId: RUN_ID, dagId: DAG_ID, only: BASE } as const;
const WHAT = { dagRunId: 'an Airflow DAG run id', dagId: 'an Airflow DAG id', only: 'a dataset or model name like `fx-model`' } as const;

/** Parses `build-failure <transaction-id> [--run <id>] [--dag <id>] [--only <name>]`. */
export function parseBuildFailure(args: string[]): ParseResult<BuildFailureInput> {
  const [tx, ...rest] = args;
  if (tx === undefined) return { ok: false, error: 'Give the transaction id of the failed run (a UUID, posted in #guild-data-eng).' };
  if (!UUID.test(tx.toLowerCase())) return { ok: false, error: `${showInput(tx)} is not a transaction id (a UUID like \`f7832a01-001b-56f7-a4fe-b3a417f8f654\`).` };
  const input: BuildFailureInput = { transactionId: tx.toLowerCase() };
  for (let i = 0; i < rest.length; i += 2) {
    const flag = rest[i]!;
    const key = FLAGS[flag.toLowerCase() as keyof typeof FLAGS];
    if (!key) return { ok: false, error: `Unexpected ${showInput(flag)}: the options are \`--run\`, \`--dag\` and \`--only\`.` };
    const value = rest[i + 1];
    if (value === undefined) return { ok: false, error: `\`${flag}\` needs a value: ${WHAT[key]}.` };
    const normalized = key === 'only' ? value.toLowerCase().replace(/^(dataset|model)\//, '') : value;
    if (!PATTERNS[key].test(normalized)) return { ok: false, error: `${showInput(value)} is not ${WHAT[key]}.` };
    // `.` and `..` match the patterns but would change an Airflow URL's path: refused before any request.
    if (!isPathSegment(normalized)) return { ok: false, error: `${showInput(value)} is not ${WHAT[key]}: \`.\` and \`..\` are not names.` };
    if (input[key] !== undefined) return { ok: false, error: `\`${flag}\` is given twice.` };
    input[key] = normalized;
  }
  return { ok: true, value: input };
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
  const parsed = BuildFailureInput.safeParse({ transactionId: alarm.transactionId?.toLowerCase(), dagId: alarm.dagId, ...(alarm.runId ? { dagRunId: alarm.runId } : {}) });
  return parsed.success ? parsed.data : undefined;
}
