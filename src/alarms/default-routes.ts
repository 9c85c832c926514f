import { RouteSchema, type RouteSpec } from '../config-file/alarm-routes';
import { DEFAULT_NODES } from '../runbooks/dagao/input';

// The runbook's table naming scheme, `$env-[$prototype-]$service-datomic` ($prototype left out for most S0 and global tables).
const TABLE = String.raw`(?<env>[a-z][a-z0-9]{0,15})-(?:(?<prototype>s\d{1,3}|global)-)?(?<service>[a-z][a-z0-9-]{0,62}?)-datomic`;
const DATOMIC_INPUT = { service: '{service}', env: '{env|prod}', prototype: '{prototype}' };

/**
 * The built-in routes: today's conventions, written in the same language as configured routes (so
 * `alarms explain` shows them the same way), tried after the configured ones. First match wins.
 */
export function defaultRoutes(settings: { dagaoDagId: string }): RouteSpec[] {
  const specs: unknown[] = [
    // A Datomic self-destruct post (monitoring text naming the service or its table).
    { name: 'datomic-self-destruct-post', match: { source: 'datomic' }, runbook: 'datomic', input: DATOMIC_INPUT },
    // A CloudWatch alarm named after the table: `prod-s3-analytics-datomic-self-destruct`.
    {
      name: 'datomic-self-destruct-alarm',
      match: { source: 'cloudwatch', alarmName: `/^${TABLE}-self-?destructs?$/i` },
      runbook: 'datomic',
      input: DATOMIC_INPUT,
    },
    // The transactor's own metrics (namespace Datomic, Alarm* metrics) with the service as a dimension.
    {
      name: 'datomic-transactor-alarm',
      match: { source: 'cloudwatch', namespace: 'Datomic', metric: 'Alarm*', dimensions: { Service: '/^(?<service>[a-z][a-z0-9-]{0,62})$/' } },
      runbook: 'datomic',
      input: { service: '{service}', env: '{dimension.Env|prod}', prototype: '{dimension.Prototype}' },
    },
    // Any DynamoDB alarm (throttles, capacity) on a Datomic table, whatever the alarm is called.
    {
      name: 'dynamodb-datomic-table',
      match: { source: 'cloudwatch', namespace: 'AWS/DynamoDB', dimensions: { TableName: `/^${TABLE}$/` } },
      runbook: 'datomic',
      input: DATOMIC_INPUT,
    },
    // An alarm whose description names a Datomic table (its metric may be a custom one).
    { name: 'datomic-table-in-description', match: { source: 'cloudwatch', description: `/\\b${TABLE}\\b/` }, runbook: 'datomic', input: DATOMIC_INPUT },
    // A failure of the nightly DAG.
    {
      name: 'dagao-task-failure',
      match: { source: 'airflow', dag: globLiteral(settings.dagaoDagId) },
      runbook: 'dagao',
      input: { from: 'status', nodes: DEFAULT_NODES, tx: '{transaction}', txSource: 'alarm', runId: '{run}' },
    },
    // Another DAG's failure that names its Metapod transaction: a dataset or model build failed.
    {
      name: 'dag-failure-with-transaction',
      match: { source: 'airflow' },
      runbook: 'build-failure',
      input: { transactionId: '{transaction}', dagId: '{dag}', dagRunId: '{run}' },
    },
  ];
  return specs.map((s) => RouteSchema.parse(s));
}

/** A glob matching exactly this DAG id (ids of `[\w.-]` have no glob characters; anything else becomes an anchored regex). */
function globLiteral(id: string): string {
  return /^[\w.-]+$/.test(id) ? id : `/^${id.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}$/`;
}
