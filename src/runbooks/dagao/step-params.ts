import { z } from 'zod';
import { UUID_PATTERN } from '../../actions/cli/commands';
import { DagaoInput } from './input';

const Tx = z.string().regex(UUID_PATTERN).nullable();

/** `dagao.diagnose`: the run an alarm named, or null for the latest. */
export const DiagnoseParams = z.object({ runId: DagaoInput.shape.runId.unwrap().nullable() });
/** `dagao.transaction`: the transaction given with `--tx` (or by the alarm), or null to look it up in the channel. */
export const TransactionParams = z.object({ tx: Tx });
/** `cli.cycle-machines`: the allow-listed command, no parameters. */
export const CycleParams = z.object({ command: z.literal('cycle-machines') });
/** `cli.dagao-retry`: the transaction the retry resubmits (null until the transaction step found it). */
export const RetryParams = z.object({ command: z.literal('dagao-retry'), transaction: Tx });
/** `cli.scale-cluster`: the cluster size and image version, as the allow-list filled them for the preview. */
export const ScaleParams = z.object({ command: z.literal('scale-cluster'), nodes: z.string().regex(/^[1-9][0-9]{0,2}$/), version: z.string().min(1).max(100) });
/** `dagao.check`: which retry's outcome decides. */
export const CheckParams = z.object({ retry: z.enum(['retry-1', 'retry-2']) });
/** `dagao.rollback`: the deploy (`pipeline#counter`) to roll back, or null when none preceded the failure. */
export const RollbackParams = z.object({ suspect: z.string().min(1).max(300).nullable() });
