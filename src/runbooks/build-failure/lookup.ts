import type { AirflowActions, DagRun, TaskInstance } from '../../actions/airflow/airflow-actions';
import type { GitHubActions, RepoFile } from '../../actions/github/github-actions';
import { isAirflowNotFound } from '../../actions/airflow/airflow-errors';
import { BackendError } from '../../actions/http/errors';
import type { SonarActions } from '../../actions/sonar/sonar-actions';
import { UserFacingError } from '../../operations/runbook';
import type { StepResult } from '../../operations/types';
import { escapeMrkdwn } from '../../util/text';
import { chooseTarget, classify, type Classification, type TargetChoice } from './classify';
import type { BuildFailureInput } from './input';
import { parsePolicyModels, type PolicyRead } from './source-edits';
import { backendErrorText, rethrowAsUserFacing } from '../backend-text';

/** Where the runbook reads and writes, from configuration. */
export interface BuildFailureSettings {
  /** The DAG whose runs are searched when the command names none. */
  defaultDagId: string;
  /** Alarms of this DAG belong to the dagão runbook. */
  dagaoDagId: string;
  itaipuRepo: string;
  itaipuDatasetsFile: string;
  auroraJobsRepo: string;
  auroraJobsDagFile: string;
  /** POLICY_MODELS: overrides the list read from the DAG file. */
  policyModels?: string[];
}

export interface BuildFailureDeps {
  sonar?: SonarActions;
  airflow?: AirflowActions;
  github?: GitHubActions;
  settings: BuildFailureSettings;
}

export interface RepoSource {
  repo: string;
  branch: string;
  file: RepoFile;
}

/** Everything the plan is computed from. */
export interface Findings {
  names: string[];
  classification: Classification;
  target: TargetChoice;
  run?: DagRun;
  /** Why there is no Airflow run (not configured, not found...). */
  runNote?: string;
  failedTasks: TaskInstance[];
  policy?: { models: string[]; source: string };
  policyNote?: string;
  dagFile?: RepoSource;
  /** Why the DAG file could not be read (when POLICY_MODELS made that survivable). */
  dagFileNote?: string;
}

const FAILED = ['failed', 'upstream_failed'] as const;
const RUNS_SEARCHED = 10;

function confContains(value: unknown, needle: string): boolean {
  if (typeof value === 'string') return value.toLowerCase().includes(needle);
  if (Array.isArray(value)) return value.some((v) => confContains(v, needle));
  if (value && typeof value === 'object') return Object.values(value).some((v) => confContains(v, needle));
  return false;
}

/** The Airflow run of this transaction: the one named, else a recent run whose conf names the transaction. */
async function findRun(deps: BuildFailureDeps, input: BuildFailureInput, frozenRunId: string | undefined): Promise<{ run?: DagRun; note?: string }> {
  const { airflow } = deps;
  if (!airflow) return { note: 'Airflow is not configured (`AIRFLOW_URL`), so the bot cannot look at the run or let downstream jobs run today.' };
  const dagId = input.dagId ?? deps.settings.defaultDagId;
  const runId = frozenRunId ?? input.dagRunId;
  try {
    if (runId) return { run: await airflow.getDagRun(dagId, runId) };
    const runs = await airflow.listDagRuns(dagId, { limit: RUNS_SEARCHED });
    const run = runs.find((r) => confContains(r.conf, input.transactionId));
    if (run) return { run };
    return {
      note: `None of the ${runs.length} latest runs of DAG \`${dagId}\` names this transaction in its conf. To let downstream jobs run today, run the command again with \`--run <dag-run-id>\`.`,
    };
  } catch (err) {
    // Only Airflow's documented "no such run" is an answer; a 404 of the route itself (wrong API generation), a
    // 401/403, a 5xx or an unreadable body stops the lookup with the reason.
    if (runId && isAirflowNotFound(err)) return { note: backendErrorText(`Airflow has no run \`${escapeMrkdwn(runId)}\` of DAG \`${dagId}\``, err) };
    return rethrowAsUserFacing('Could not read the run from Airflow', err);
  }
}

async function readSource(github: GitHubActions, repo: string, path: string): Promise<RepoSource> {
  const branch = await github.defaultBranch(repo);
  return { repo, branch, file: await github.getFile(repo, path, branch) };
}

/** Why the policy list could not be used: the entry, its line, and the runbook's manual steps (fail closed: nothing is disabled). */
function unreadablePolicy(read: Extract<PolicyRead, { kind: 'unresolved' }>, where: string): string {
  const entry = escapeMrkdwn(read.entry.replace(/`/g, "'"));
  return (
    `The bot could not read the policy model list in ${where}: entry \`${entry}\` (line ${read.line}): ${escapeMrkdwn(read.why.replace(/`/g, "'"))}. ` +
    'It cannot tell which models are critical, so it disables nothing. Follow the runbook by hand ("Determining if a dataset or model is business critical", then "Dealing with model failures" or "Dealing with dataset failures").'
  );
}

/** The read-only lookups of step 1; `results` freeze the target and run chosen when the operation started. */
export async function lookUp(deps: BuildFailureDeps, input: BuildFailureInput, results: StepResult[]): Promise<Findings> {
  if (!deps.sonar)
    throw new UserFacingError('The build-failure runbook needs Sonar: `SONAR_URL` is not configured. Ask whoever runs the bot to set it.', 'not_configured');
  const frozen = results.find((r) => r.stepId === 'lookup' && r.outcome === 'succeeded')?.externalIds;
  let names: string[] | undefined;
  try {
    names = await deps.sonar.uncommittedDatasets(input.transactionId);
  } catch (err) {
    rethrowAsUserFacing('Could not look up the transaction in Sonar', err);
  }
  if (names === undefined)
    throw new UserFacingError(
      `Sonar knows no transaction \`${input.transactionId}\`. Check the id (it is posted in #guild-data-eng when the run starts).`,
      'not_found',
    );

  const { run, note: runNote } = await findRun(deps, input, frozen?.airflowDagRunId);
  let failedTasks: TaskInstance[] = [];
  if (run && deps.airflow) {
    try {
      failedTasks = await deps.airflow.listTaskInstances(run.dagId, run.dagRunId, { states: [...FAILED] });
    } catch (err) {
      rethrowAsUserFacing('Could not read the failed tasks from Airflow', err);
    }
  }
  const classification = classify(names, {
    runInProgress: run?.state === 'running' || run?.state === 'queued',
    failedTasks: failedTasks.filter((t) => t.state === 'failed').map((t) => t.taskId),
  });
  const target = chooseTarget(classification, frozen?.target ?? input.only);

  let policy: Findings['policy'];
  let policyNote: string | undefined;
  let dagFile: RepoSource | undefined;
  let dagFileNote: string | undefined;
  const { settings, github } = deps;
  if (github) {
    try {
      dagFile = await readSource(github, settings.auroraJobsRepo, settings.auroraJobsDagFile);
    } catch (err) {
      if (!settings.policyModels || !(err instanceof BackendError))
        rethrowAsUserFacing(`Could not read ${settings.auroraJobsDagFile} from ${settings.auroraJobsRepo} (the policy model list)`, err);
      dagFileNote = backendErrorText(`could not read ${settings.auroraJobsDagFile} from ${settings.auroraJobsRepo}`, err);
    }
  }
  if (settings.policyModels) policy = { models: settings.policyModels, source: '`POLICY_MODELS` (configuration)' };
  else if (dagFile) {
    const read = await parsePolicyModels(dagFile.file.content);
    const where = `${dagFile.repo}/${dagFile.file.path}`;
    if (read.kind === 'resolved') policy = { models: read.models, source: `\`policy_models\` in ${where}` };
    else if (read.kind === 'absent') policyNote = `There is no \`policy_models = [...]\` list in ${where}, so the bot cannot tell which models are critical.`;
    else policyNote = unreadablePolicy(read, where);
  } else policyNote = 'GitHub is not configured (`GITHUB_TOKEN`) and `POLICY_MODELS` is not set, so the bot cannot tell which models are critical.';
  return { names, classification, target, run, runNote, failedTasks, policy, policyNote, dagFile, dagFileNote };
}

/** Reads itaipu's dataset list (for a dataset's pull request); a GitHub failure becomes the reason there is no PR. */
export async function readItaipu(deps: BuildFailureDeps): Promise<RepoSource | string> {
  if (!deps.github) return 'GitHub is not configured (`GITHUB_TOKEN`).';
  try {
    return await readSource(deps.github, deps.settings.itaipuRepo, deps.settings.itaipuDatasetsFile);
  } catch (err) {
    if (!(err instanceof BackendError)) throw err;
    return backendErrorText(`could not read ${deps.settings.itaipuDatasetsFile} from ${deps.settings.itaipuRepo}`, err);
  }
}
