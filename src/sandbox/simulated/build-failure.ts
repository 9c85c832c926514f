import type { SimulatedBackend } from '../backends';
import { startGitHubFake } from '../fakes/github';
import type { startSonarFake as StartSonarFake } from '../fakes/sonar';
import { loadDevDependency } from './dev-dependency';
import { AURORA_JOBS, AURORA_JOBS_MAIN_PY, BUILD_FAILURE_TX, ITAIPU, ITAIPU_SCALA } from './build-failure-data';

const SONAR_TOKEN = 'sandbox-sonar-token';
const GITHUB_TOKEN = 'sandbox-github-token';

/**
 * Sonar (GraphQL, built on graphql-http, a devDependency: imported only when the sandbox starts) with
 * the transaction's uncommitted datasets, and GitHub with the aurora-jobs and itaipu files the
 * build-failure runbook edits. The failed Airflow run is seeded by the Airflow simulation (dagao.ts).
 */
export const buildFailureSimulation: SimulatedBackend = {
  name: 'sonar',
  async start() {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { startSonarFake } = loadDevDependency('graphql-http', () => require('../fakes/sonar') as { startSonarFake: typeof StartSonarFake });
    const [sonar, github] = await Promise.all([startSonarFake(SONAR_TOKEN), startGitHubFake(GITHUB_TOKEN)]);
    sonar.setTransaction(BUILD_FAILURE_TX, [
      { name: 'model/fx-model', committed: false },
      { name: 'model/fx-model-avro', committed: false },
      { name: 'dataset/contracts', committed: true },
      { name: 'dataset/credit-limit', committed: true },
      { name: 'model/credit-limit', committed: true },
    ]);
    github.addRepo(AURORA_JOBS.repo, { defaultBranch: 'master', files: { [AURORA_JOBS.file]: AURORA_JOBS_MAIN_PY } });
    github.addRepo(ITAIPU.repo, { defaultBranch: 'master', files: { [ITAIPU.file]: ITAIPU_SCALA } });
    return {
      env: { SONAR_URL: sonar.url, SONAR_TOKEN, GITHUB_API_URL: github.url, GITHUB_TOKEN },
      examples: [{ label: 'build-failure: the model fx-model failed', command: `build-failure ${BUILD_FAILURE_TX}` }],
      tour: [
        {
          say: "Yesterday's transaction left the model fx-model uncommitted. carla asks the build-failure runbook: the bot asks Sonar what is uncommitted, reads the failed task's log, and previews a pull request that removes the model from the DAG.",
          as: 'UCARLA',
          command: `build-failure ${BUILD_FAILURE_TX}`,
        },
        {
          say: 'alice approves the pull request: the bot opens it on aurora-jobs and links it in the thread.',
          as: 'UALICE',
          click: 'op_approve',
          after: 'Awaiting approval',
        },
        {
          say: 'Then she approves marking fx-model as success and clearing the tasks downstream, so the rest of the DAG runs today (Airflow previewed it with a dry run).',
          as: 'UALICE',
          click: 'op_approve',
          after: 'upstream_failed -&gt; no status',
        },
        { say: 'Done: the GitHub panel shows the pull request, and the Airflow panel the two changes to the run.', after: 'Succeeded' },
      ],
      state: () => ({
        pulls: github.pulls(AURORA_JOBS.repo).map((p) => ({ head: p.head, title: p.title, url: p.html_url })),
        githubMutations: github.mutations().map((r) => `${r.method} ${r.path}`),
        sonarQueries: sonar.requests.length,
        unexpected: [...sonar.unexpected, ...github.unexpected],
      }),
      close: async () => {
        await Promise.all([sonar.close(), github.close()]);
      },
    };
  },
};
