import type { FakeRunSpec } from '../fakes/airflow';

/** Yesterday's dagão run: its transaction left the fx-model model uncommitted (the model task failed). */
export const BUILD_FAILURE_TX = '3b1f9c2e-7a4d-4e8b-9c61-2d5e8f0a7b13';
export const AURORA_JOBS = { repo: 'nubank/aurora-jobs', file: 'airflow/main.py' };
export const ITAIPU = { repo: 'nubank/itaipu', file: 'src/main/scala/etl/itaipu/Itaipu.scala' };

/** The nightly DAG's tasks, each with the tasks directly downstream of it. */
export const DAGAO_DOWNSTREAM: Record<string, string[]> = {
  'itaipu-contracts': ['itaipu-rest'],
  'itaipu-rest': ['scale-ec2-rest'],
  'itaipu-fx-model': ['fx-model'],
  'fx-model': ['databricks_load-models'],
  'itaipu-credit-limit': ['credit-limit'],
  'credit-limit': ['databricks_load-models'],
  'databricks_load-models': ['scale-ec2-rest'],
  'scale-ec2-rest': [],
};

/** The Airflow run of BUILD_FAILURE_TX, a day before `failedAt` (the dagão's latest failure). */
export function buildFailureRun(latest: Date): FakeRunSpec {
  const executionDate = new Date(latest.getTime() - 24 * 3_600_000).toISOString().replace('.000Z', '+00:00');
  return {
    dagRunId: `scheduled__${executionDate}`,
    // Failed, not running: a running dagão would (rightly) block the dagão runbook's retries.
    state: 'failed',
    executionDate,
    conf: { metapod_transaction: BUILD_FAILURE_TX },
    tasks: {
      'itaipu-contracts': 'success',
      'itaipu-rest': 'success',
      'itaipu-fx-model': 'success',
      'fx-model': 'failed',
      'itaipu-credit-limit': 'success',
      'credit-limit': 'success',
      'databricks_load-models': 'upstream_failed',
      'scale-ec2-rest': 'upstream_failed',
    },
    logs: { 'fx-model': { 1: `${'INFO reading dataset/fx-model partition\n'.repeat(40)}ERROR column fx_rate not found in dataset/fx-model\n` } },
  };
}

// A sandbox aurora-jobs `airflow/main.py` (the real file is private): model tasks next to each other,
// then the `policy_models` list, as the runbook describes it.
export const AURORA_JOBS_MAIN_PY = `"""The nightly DAG: itaipu builds the datasets, then each model task reads its dataset."""
from airflow import DAG

from nubank.airflow.aurora import AuroraTaskOperator
from nubank.airflow.models import model_task

dag = DAG('dagao', schedule_interval='0 3 * * *', max_active_runs=1)

itaipu_rest = AuroraTaskOperator(task_id='itaipu-rest', job='itaipu', args=['--rest'], dag=dag)
databricks_load_models = AuroraTaskOperator(task_id='databricks_load-models', job='databricks-load', args=['models'], dag=dag)
scale_ec2_rest = AuroraTaskOperator(task_id='scale-ec2-rest', job='scale', args=['--rest'], dag=dag)

models = [
    model_task('credit-limit', dag=dag),
    model_task('fx-model', dag=dag),
    model_task('fx-model-features', dag=dag),
]

policy_models = [
    'credit-limit',
]

for model in models:
    model >> databricks_load_models
databricks_load_models >> scale_ec2_rest
itaipu_rest >> scale_ec2_rest
`;

// A sandbox itaipu \`Itaipu.scala\` (the real file is private): one \`dataset.X,\` entry per dataset.
export const ITAIPU_SCALA = `package etl.itaipu

import etl.dataset

object Itaipu {
  val allDatasets = Seq(
    dataset.Contracts,
    dataset.CreditLimit,
    dataset.FxModel,
    dataset.FxModelFeatures
  )
}
`;
