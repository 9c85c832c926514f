/**
 * What an AWS resource name says in words, from the naming conventions of the runbook: stacks are
 * `prod-<shard>-k-<service>` ("Hot-deploying rollbacks"), Datomic tables `$env-[$prototype-]$service-datomic`
 * ("Dealing with Datomic self-destructs"). A name outside the convention is said to be unknown, never guessed.
 */

const STACK = /^([a-z][a-z0-9]{0,15})-([a-z0-9]+)-k-([a-z][a-z0-9-]{0,62})$/;
const TABLE = /^([a-z][a-z0-9]{0,15})-(?:(s\d{1,3}|global)-)?([a-z][a-z0-9-]{0,62}?)-datomic$/;

/** A stack's service and shard, e.g. `metapod on shard s1 (`prod-s1-k-metapod`)`; says so when the name does not tell. */
export function stackInWords(stack: string): string {
  const m = STACK.exec(stack);
  if (!m) return `\`${stack}\` (service and shard unknown: the name does not follow \`prod-<shard>-k-<service>\`)`;
  const [, env, shard, service] = m;
  const where = shard === 'global' ? 'the global stack' : `shard ${shard}`;
  return `${service} on ${where}${env === 'prod' ? '' : ` in ${env}`} (\`${stack}\`)`;
}

/** The parts of a Datomic table's name; undefined when it does not follow the convention. */
export function datomicTableParts(table: string): { env: string; prototype?: string; service: string } | undefined {
  const m = TABLE.exec(table);
  return m ? { env: m[1]!, service: m[3]!, ...(m[2] ? { prototype: m[2] } : {}) } : undefined;
}

/** Whose database a Datomic table holds, e.g. `the Datomic database of analytics (prod, prototype s3)`; says so when the name does not tell. */
export function datomicTableInWords(table: string): string {
  const parts = datomicTableParts(table);
  if (!parts) return 'a Datomic database whose service is unknown (the name does not follow `$env-[$prototype-]$service-datomic`)';
  return `the Datomic database of ${parts.service} (${parts.env}${parts.prototype ? `, prototype ${parts.prototype}` : ''})`;
}
