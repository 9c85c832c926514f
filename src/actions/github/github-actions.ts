import { Octokit } from '@octokit/rest';
import { backendFetch } from '../http/capped-fetch';
import { BackendError } from '../http/errors';
import { pathSegment, pathSegments } from '../http/path-segment';

/** Per-request options Octokit accepts (`request: { fetch, signal }`). */
interface RequestOptions {
  fetch: typeof fetch;
  signal?: AbortSignal;
}

/** `owner/name`. */
export type RepoName = string;

export interface RepoFile {
  path: string;
  /** Decoded UTF-8 text. */
  content: string;
  /** The blob sha: updating the file with it fails if someone changed the file in between. */
  sha: string;
}

export interface PullRequest {
  number: number;
  url: string;
}

/** The GitHub calls the runbooks use, one per REST request. */
export interface GitHubActions {
  /** The web URL of a file on a branch (for previews). */
  fileUrl(repo: RepoName, path: string, branch: string): string;
  defaultBranch(repo: RepoName, signal?: AbortSignal): Promise<string>;
  getFile(repo: RepoName, path: string, ref: string, signal?: AbortSignal): Promise<RepoFile>;
  /** The commit sha a branch points at. */
  branchHead(repo: RepoName, branch: string, signal?: AbortSignal): Promise<string>;
  createBranch(repo: RepoName, branch: string, sha: string, signal?: AbortSignal): Promise<void>;
  /** Commits new content for one file on a branch; returns the commit sha. */
  updateFile(repo: RepoName, change: { path: string; branch: string; content: string; sha: string; message: string }, signal?: AbortSignal): Promise<string>;
  createPullRequest(repo: RepoName, pr: { title: string; head: string; base: string; body: string }, signal?: AbortSignal): Promise<PullRequest>;
  /** An open pull request from `branch`, if there is one. */
  findOpenPullRequest(repo: RepoName, branch: string, signal?: AbortSignal): Promise<PullRequest | undefined>;
}

function split(repo: RepoName): { owner: string; repo: string } {
  const [owner, name, ...rest] = repo.split('/');
  if (!owner || !name || rest.length > 0)
    throw new BackendError('GitHub', 'invalid_url', `Refused to call GitHub: ${JSON.stringify(repo)} is not a repository name (owner/name).`);
  // Octokit encodes owner and repo itself but would send `.`/`..` as they are: refuse them first.
  pathSegment('GitHub', 'repository owner', owner);
  pathSegment('GitHub', 'repository name', name);
  return { owner, repo: name };
}

/**
 * A file path or branch name checked segment by segment (no empty, `.` or `..` part) and returned as it
 * is: Octokit encodes it into the URL itself, and it must not be encoded twice.
 */
function checked(what: string, value: string): string {
  pathSegments('GitHub', what, value);
  return value;
}

/** GitHub's REST API through Octokit; `apiUrl` is GITHUB_API_URL (github.com or Enterprise). */
export class OctokitGitHubActions implements GitHubActions {
  private readonly octokit: Octokit;
  private readonly webUrl: string;

  constructor(
    private readonly apiUrl: string,
    token: string | undefined,
    private readonly timeoutMs = 30_000,
    private readonly maxBytes = 4 * 1024 * 1024,
  ) {
    this.octokit = new Octokit({
      baseUrl: apiUrl,
      auth: token,
      userAgent: 'runbook-bot',
      log: { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined },
    });
    // github.com's API lives on api.github.com; Enterprise serves it under /api/v3 of the web host.
    this.webUrl = apiUrl === 'https://api.github.com' ? 'https://github.com' : apiUrl.replace(/\/api\/v3$/, '');
  }

  fileUrl(repo: RepoName, path: string, branch: string): string {
    const { owner, repo: name } = split(repo);
    return `${this.webUrl}/${pathSegment('GitHub', 'repository owner', owner)}/${pathSegment('GitHub', 'repository name', name)}/blob/${pathSegment('GitHub', 'branch', branch)}/${pathSegments('GitHub', 'file path', path)}`;
  }

  async defaultBranch(repo: RepoName, signal?: AbortSignal): Promise<string> {
    const res = await this.call(`read ${repo}`, signal, (request) => this.octokit.repos.get({ ...split(repo), request }));
    return res.data.default_branch;
  }

  async getFile(repo: RepoName, path: string, ref: string, signal?: AbortSignal): Promise<RepoFile> {
    const res = await this.call(`read ${path} in ${repo}`, signal, (request) =>
      this.octokit.repos.getContent({ ...split(repo), path: checked('file path', path), ref: checked('ref', ref), request }),
    );
    const data = res.data;
    if (Array.isArray(data) || data.type !== 'file' || !('content' in data)) {
      throw new BackendError('GitHub', 'http_status', `${path} in ${repo} is not a file. Check the file path in the configuration.`, res.status);
    }
    // The contents API sends no content for files over 1 MB (encoding "none"); never mistake that for an empty file.
    if ('encoding' in data && data.encoding !== 'base64') {
      throw new BackendError(
        'GitHub',
        'http_status',
        `${path} in ${repo} is too large for GitHub's contents API (encoding "${String(data.encoding)}"); edit it by hand.`,
        res.status,
      );
    }
    return { path, content: Buffer.from(data.content, 'base64').toString('utf8'), sha: data.sha };
  }

  async branchHead(repo: RepoName, branch: string, signal?: AbortSignal): Promise<string> {
    const res = await this.call(`read branch ${branch} of ${repo}`, signal, (request) =>
      this.octokit.git.getRef({ ...split(repo), ref: `heads/${checked('branch', branch)}`, request }),
    );
    return res.data.object.sha;
  }

  async createBranch(repo: RepoName, branch: string, sha: string, signal?: AbortSignal): Promise<void> {
    await this.call(`create branch ${branch} in ${repo}`, signal, (request) =>
      this.octokit.git.createRef({ ...split(repo), ref: `refs/heads/${checked('branch', branch)}`, sha, request }),
    );
  }

  async updateFile(
    repo: RepoName,
    change: { path: string; branch: string; content: string; sha: string; message: string },
    signal?: AbortSignal,
  ): Promise<string> {
    const res = await this.call(`commit ${change.path} to ${repo}`, signal, (request) =>
      this.octokit.repos.createOrUpdateFileContents({
        ...split(repo),
        path: checked('file path', change.path),
        branch: checked('branch', change.branch),
        sha: change.sha,
        message: change.message,
        content: Buffer.from(change.content, 'utf8').toString('base64'),
        request,
      }),
    );
    return res.data.commit.sha ?? '';
  }

  async createPullRequest(repo: RepoName, pr: { title: string; head: string; base: string; body: string }, signal?: AbortSignal): Promise<PullRequest> {
    const res = await this.call(`open a pull request in ${repo}`, signal, (request) => this.octokit.pulls.create({ ...split(repo), ...pr, request }));
    return { number: res.data.number, url: res.data.html_url };
  }

  async findOpenPullRequest(repo: RepoName, branch: string, signal?: AbortSignal): Promise<PullRequest | undefined> {
    const { owner } = split(repo);
    const res = await this.call(`list pull requests of ${repo}`, signal, (request) =>
      this.octokit.pulls.list({ ...split(repo), head: `${owner}:${branch}`, state: 'open', request }),
    );
    const pr = res.data[0];
    return pr ? { number: pr.number, url: pr.html_url } : undefined;
  }

  /**
   * Runs one Octokit request through the shared backend fetch (deadline, size cap, same-origin redirects)
   * and maps every failure to a BackendError. The fetch is made per call: Octokit wraps what its fetch
   * throws, so the BackendError is caught on its way out.
   */
  private async call<T>(what: string, signal: AbortSignal | undefined, fn: (request: RequestOptions) => Promise<T>): Promise<T> {
    let failure: BackendError | undefined;
    const fetch = backendFetch({ backend: 'GitHub', timeoutMs: this.timeoutMs, maxBytes: this.maxBytes }, (err) => (failure = err));
    try {
      return await fn({ fetch, ...(signal ? { signal } : {}) });
    } catch (err) {
      if (err instanceof BackendError) throw err; // refused before any request (an invalid path)
      if (failure) throw failure;
      throw this.toBackendError(what, err);
    }
  }

  private toBackendError(what: string, err: unknown): BackendError {
    const { status, response, message } = (err ?? {}) as { status?: number; response?: { data?: unknown }; message?: string };
    // Octokit's RequestError carries the HTTP answer; without one, the failure was not the fetch's (a bug in a hook).
    if (response === undefined || status === undefined)
      return new BackendError('GitHub', 'network', `The call to GitHub failed while trying to ${what}: ${message ?? String(err)}.`);
    const data = response.data as { message?: string; errors?: { message?: string }[] } | undefined;
    const said = [data?.message, ...(data?.errors ?? []).map((e) => e.message)].filter(Boolean).join(': ') || `status ${status}`;
    if (status === 401)
      return new BackendError('GitHub', 'http_status', `GitHub refused the bot's token (401) when trying to ${what}. Check GITHUB_TOKEN.`, status, said);
    if (status === 403 || status === 404) {
      return new BackendError(
        'GitHub',
        'http_status',
        `GitHub answered ${status} when trying to ${what}: ${said}. Check the repository and path in the configuration and that GITHUB_TOKEN may access it.`,
        status,
        said,
      );
    }
    if (status === 409)
      return new BackendError(
        'GitHub',
        'http_status',
        `GitHub refused to ${what} (409): ${said}. The file changed since the preview; start a new request.`,
        status,
        said,
      );
    return new BackendError('GitHub', 'http_status', `GitHub answered ${status} when trying to ${what}: ${said}.`, status, said);
  }
}
