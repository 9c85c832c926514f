import type { AirflowActions } from '../actions/airflow/airflow-actions';
import type { CloudFormationActions } from '../actions/cloudformation/types';
import type { DynamoDbActions } from '../actions/dynamodb/dynamodb-actions';
import { lookupTable, MAX_LOOKUP_ITEMS, type FormLookups, type LookupFn } from '../slack/forms/lookups';

// Service stacks are `prod-<shard>-k-<service>` (rollback/blue-green.ts); a shard has no `-k-` in it.
const SERVICE_STACK = /^prod-(?:(?!-k-).)+-k-([a-z][a-z0-9-]*)$/;
// Datomic tables are `$env-[$prototype-]$service-datomic` (datomic/input.ts checks each part the same way).
const DATOMIC_TABLE = /^[a-z][a-z0-9]{0,15}-(?:(?:s\d{1,3}|global)-)?[a-z][a-z0-9-]{0,62}-datomic$/;
// Enough pages for the menu; a longer list is cut (the form says so).
const MAX_TABLES_READ = 1000;

/** The adapters the lookups read, each optional (an absent one leaves its lookup out). */
export interface FormLookupDeps {
  cfn?: CloudFormationActions;
  dynamodb?: DynamoDbActions;
  airflow?: AirflowActions;
  /** The dagão DAG id (AIRFLOW_DAGAO_DAG_ID). */
  dagaoDagId?: string;
}

/**
 * The read-only lookups forms may name: `services` (from the CloudFormation stacks), `datomic-tables`
 * (DynamoDB ListTables, by the Datomic naming convention), `dagao-failed-tasks` (failed task instances
 * of the latest dagão run). `aurora-jobs` is not offered: listing jobs is a CLI run, not a quick read.
 */
export function createFormLookups(deps: FormLookupDeps): FormLookups {
  const { cfn, dynamodb, airflow, dagaoDagId } = deps;
  const services: LookupFn | undefined =
    cfn && (async (signal) => (await cfn.listStackNames(SERVICE_STACK, signal)).map((n) => SERVICE_STACK.exec(n)?.[1] ?? '').filter(Boolean));
  const listTables = dynamodb?.listTableNames?.bind(dynamodb);
  const datomicTables: LookupFn | undefined =
    listTables && (async (signal) => (await listTables(MAX_TABLES_READ, signal)).filter((n) => DATOMIC_TABLE.test(n)));
  const dagaoFailed: LookupFn | undefined =
    airflow && dagaoDagId
      ? async (signal) => {
          const [latest] = await airflow.listDagRuns(dagaoDagId, { limit: 1 }, signal);
          if (!latest) return [];
          return (await airflow.listTaskInstances(dagaoDagId, latest.dagRunId, { states: ['failed', 'upstream_failed'] }, signal))
            .map((t) => t.taskId)
            .slice(0, MAX_LOOKUP_ITEMS * 2);
        }
      : undefined;
  return lookupTable({ services, 'datomic-tables': datomicTables, 'dagao-failed-tasks': dagaoFailed });
}
