/**
 * What each runbook acts on, as a stable string (`Runbook.targetOf`): a plan warns about recent operations on
 * the same target, and an identical pending request is refused with a pointer to the first
 * (src/operations/recent-history.ts). Only the input is used: no lookup, so stored operations compare too.
 */

/** A rollback acts on a service's production stacks (every stack name is `prod-<shard>-k-<service>`). */
export function rollbackTarget(input: { service: string }): string {
  return `prod:${input.service}`;
}

/**
 * A Datomic capacity change acts on one table, named `$env-[$prototype-]$service-datomic`. The prototype is
 * omitted for most tables in S0 and global, so absent, `s0` and `global` name the same (short) table.
 */
export function datomicTarget(input: { service: string; env: string; prototype?: string }): string {
  const short = input.prototype === undefined || input.prototype === 's0' || input.prototype === 'global';
  return short ? `${input.env}-${input.service}-datomic` : `${input.env}-${input.prototype}-${input.service}-datomic`;
}

/** A build-failure recovery acts on the failed datasets and models of one Metapod transaction. */
export function buildFailureTarget(input: { transactionId: string }): string {
  return `transaction:${input.transactionId}`;
}

/** Creating or killing an aurora job acts on that job; `list` and `status` only read, so they have no target. */
export function auroraTarget(input: { verb: string; job?: string }): string | undefined {
  return (input.verb === 'create' || input.verb === 'kill') && input.job ? `job:${input.job}` : undefined;
}

/**
 * Every dagão recovery acts on the one nightly DAG: a run named by an alarm and "the latest run" of a
 * command are usually the same run, and the bot cannot tell them apart without asking Airflow.
 */
export function dagaoTarget(dagId: string): () => string {
  return () => `dag:${dagId}`;
}
