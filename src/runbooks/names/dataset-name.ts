import type { Logger } from 'pino';
import type { SonarActions } from '../../actions/sonar/sonar-actions';
import { BackendError } from '../../actions/http/errors';
import { backendErrorPlain } from '../backend-text';

/** How long a plan waits for Sonar to name a dataset before saying the name is unknown. */
export const NAME_LOOKUP_MS = 5_000;

/** What Sonar said a dataset id names, or why the bot does not know. */
export type DatasetName = { kind: 'known'; name: string; committed: boolean; transactionId: string } | { kind: 'unknown'; why: string };

/**
 * The name of the dataset whose `:dataset/id` is `datasetId`, read from Sonar (read-only) within a deadline.
 * Sonar finds datasets through their transaction (`transaction(transactionId) { datasets { id name } }`, the
 * documented query), so without the transaction id the name stays unknown, and the plan says why.
 */
export async function lookUpDatasetName(
  sonar: SonarActions | undefined,
  datasetId: string,
  transactionId: string | undefined,
  options: { logger?: Logger; deadlineMs?: number } = {},
): Promise<DatasetName> {
  if (!sonar) return { kind: 'unknown', why: 'Sonar is not configured (`SONAR_URL`)' };
  if (!transactionId) return { kind: 'unknown', why: 'Sonar finds a dataset through its transaction: add `--tx <transaction-id>` to have it named' };
  const deadlineMs = options.deadlineMs ?? NAME_LOOKUP_MS;
  const deadline = AbortSignal.timeout(deadlineMs);
  try {
    const datasets = await sonar.transactionDatasets(transactionId, deadline);
    if (datasets === undefined) return { kind: 'unknown', why: `Sonar knows no transaction \`${transactionId}\`` };
    const found = datasets.find((d) => d.id.toLowerCase() === datasetId.toLowerCase());
    if (!found) return { kind: 'unknown', why: `transaction \`${transactionId}\` has no dataset with this id in Sonar (${datasets.length} datasets listed)` };
    return { kind: 'known', name: found.name, committed: found.committed, transactionId };
  } catch (err) {
    if (deadline.aborted) return { kind: 'unknown', why: `Sonar did not answer within ${Math.round(deadlineMs / 100) / 10} s` };
    // `why` ends up in a preview line's value, which the Slack layer escapes: plain text here.
    if (err instanceof BackendError) return { kind: 'unknown', why: backendErrorPlain('the Sonar lookup failed', err) };
    // Not a backend answer: a bug, logged; the plan still says plainly that the name is unknown.
    options.logger?.error({ err }, 'naming a dataset from Sonar failed');
    return { kind: 'unknown', why: "the Sonar lookup failed on the bot's side" };
  }
}
