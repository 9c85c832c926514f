import { OctokitGitHubActions } from '../../../src/actions/github/github-actions';
import { BackendError } from '../../../src/actions/http/errors';
import { blobSha, startGitHubFake, type GitHubFake } from '../../../src/sandbox/fakes/github';

const REPO = 'nubank/aurora-jobs';
const FILE = 'airflow/main.py';
const CONTENT = "policy_models = [\n    'credit-limit',\n]\n# ünïcode survives the base64 round trip\n";

describe('OctokitGitHubActions against the GitHub fake', () => {
  let github: GitHubFake;
  let actions: OctokitGitHubActions;
  beforeEach(async () => {
    github = await startGitHubFake('tok');
    github.addRepo(REPO, { defaultBranch: 'master', files: { [FILE]: CONTENT } });
    actions = new OctokitGitHubActions(github.url, 'tok', 2000);
  });
  afterEach(async () => {
    // Closed first: a failed assertion must not leave the server holding jest open.
    await github.close();
    github.assertNoUnexpected();
  });

  it('reads the default branch and a file with its blob sha', async () => {
    expect(await actions.defaultBranch(REPO)).toBe('master');
    const file = await actions.getFile(REPO, FILE, 'master');
    expect(file).toEqual({ path: FILE, content: CONTENT, sha: blobSha(CONTENT) });
    expect(github.requests.every((r) => r.authorized)).toBe(true);
    expect(github.mutations()).toHaveLength(0);
  });

  it('creates a branch, commits a change and opens a pull request', async () => {
    const head = await actions.branchHead(REPO, 'master');
    await actions.createBranch(REPO, 'runbook-bot/x', head);
    const commit = await actions.updateFile(REPO, { path: FILE, branch: 'runbook-bot/x', content: 'changed\n', sha: blobSha(CONTENT), message: 'Disable x' });
    expect(commit).toMatch(/^[0-9a-f]{40}$/);
    const pr = await actions.createPullRequest(REPO, { title: 'Disable x', head: 'runbook-bot/x', base: 'master', body: 'because' });
    expect(pr).toEqual({ number: 1001, url: `https://github.com/${REPO}/pull/1001` });
    expect(github.file(REPO, FILE, 'runbook-bot/x')).toBe('changed\n');
    expect(github.file(REPO, FILE)).toBe(CONTENT);
    await expect(actions.findOpenPullRequest(REPO, 'runbook-bot/x')).resolves.toEqual(pr);
    await expect(actions.findOpenPullRequest(REPO, 'other')).resolves.toBeUndefined();
  });

  it('maps GitHub refusals to BackendErrors that say what to do', async () => {
    await expect(actions.getFile(REPO, 'nope.py', 'master')).rejects.toMatchObject({
      status: 404,
      message: expect.stringContaining('Check the repository and path'),
    });
    const head = await actions.branchHead(REPO, 'master');
    await actions.createBranch(REPO, 'b', head);
    await expect(actions.createBranch(REPO, 'b', head)).rejects.toMatchObject({ status: 422, message: expect.stringContaining('Reference already exists') });
    await expect(actions.updateFile(REPO, { path: FILE, branch: 'b', content: 'x', sha: 'stale', message: 'm' })).rejects.toMatchObject({
      status: 409,
      message: expect.stringContaining('changed since the preview'),
    });
    const wrong = new OctokitGitHubActions(github.url, 'bad', 2000);
    const err = await wrong.defaultBranch(REPO).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BackendError);
    expect((err as Error).message).toBe(`GitHub refused the bot's token (401) when trying to read ${REPO}. Check GITHUB_TOKEN.`);
  });

  it('says when GitHub cannot be reached', async () => {
    const closed = await startGitHubFake();
    await closed.close();
    await expect(new OctokitGitHubActions(closed.url, 'tok', 2000).defaultBranch(REPO)).rejects.toMatchObject({
      code: 'connection_refused',
      message: expect.stringContaining('Could not connect to GitHub'),
    });
  });

  it('links files on github.com and on Enterprise hosts', () => {
    expect(new OctokitGitHubActions('https://api.github.com', undefined).fileUrl(REPO, FILE, 'master')).toBe(`https://github.com/${REPO}/blob/master/${FILE}`);
    expect(new OctokitGitHubActions('https://ghe.example.com/api/v3', undefined).fileUrl(REPO, FILE, 'main')).toBe(
      `https://ghe.example.com/${REPO}/blob/main/${FILE}`,
    );
  });
});
