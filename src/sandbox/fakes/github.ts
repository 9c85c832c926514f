import { createHash } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { startHttpServer } from './http-server';

/**
 * A strict loopback fake of the GitHub REST calls the bot makes (repo, contents, refs, pulls), with
 * in-memory repositories whose branches hold files. Blob shas are real git blob shas, and updating a
 * file with a stale sha is refused with 409, like GitHub. Anything else is recorded as unexpected.
 */

export interface GitHubRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  body: Record<string, unknown> | undefined;
  authorized: boolean;
}

export interface FakePull {
  number: number;
  title: string;
  head: string;
  base: string;
  body: string;
  html_url: string;
}

interface Branch {
  sha: string;
  files: Map<string, string>;
}

interface FakeRepo {
  defaultBranch: string;
  branches: Map<string, Branch>;
  pulls: FakePull[];
}

export interface GitHubFake {
  /** GITHUB_API_URL. */
  url: string;
  requests: GitHubRequest[];
  unexpected: string[];
  addRepo(name: string, options: { defaultBranch?: string; files: Record<string, string> }): void;
  /** A file's content on a branch (default: the default branch). */
  file(repo: string, path: string, branch?: string): string | undefined;
  /** Changes a file on the default branch (someone else pushed). */
  push(repo: string, path: string, content: string): void;
  branches(repo: string): string[];
  pulls(repo: string): FakePull[];
  /** Requests that change something (POST, PUT, PATCH, DELETE). */
  mutations(): GitHubRequest[];
  override(fn: ((req: GitHubRequest) => { status: number; body: unknown } | undefined) | undefined): void;
  assertNoUnexpected(): void;
  close(): Promise<void>;
}

/** Git's blob id of a text. */
export function blobSha(content: string): string {
  const bytes = Buffer.from(content, 'utf8');
  return createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex');
}

/** Starts the fake; requests must carry the token (`Authorization: token <t>` as Octokit sends it). */
export async function startGitHubFake(token = 'gh-token'): Promise<GitHubFake> {
  const repos = new Map<string, FakeRepo>();
  let overrideFn: ((req: GitHubRequest) => { status: number; body: unknown } | undefined) | undefined;
  let commits = 0;
  const commitSha = (): string => createHash('sha1').update(`commit ${++commits}`).digest('hex');

  const send = (res: ServerResponse, status: number, body: unknown): void => {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify(body));
  };
  const notFound = (res: ServerResponse): void => send(res, 404, { message: 'Not Found', documentation_url: 'https://docs.github.com/rest' });

  const server = await startHttpServer((req, res, raw) => {
    const url = new URL(req.url ?? '/', 'http://fake');
    let body: Record<string, unknown> | undefined;
    try {
      body = raw === '' ? undefined : (JSON.parse(raw) as Record<string, unknown>);
    } catch {
      body = undefined;
    }
    const auth = req.headers.authorization ?? '';
    const request: GitHubRequest = {
      method: req.method ?? '?',
      path: url.pathname,
      query: url.searchParams,
      body,
      authorized: auth === `token ${token}` || auth === `Bearer ${token}`,
    };
    fake.requests.push(request);
    const unexpected = (): void => {
      fake.unexpected.push(`${request.method} ${request.path}${url.search}`);
      notFound(res);
    };
    const over = overrideFn?.(request);
    if (over) return send(res, over.status, over.body);
    const m = /^\/repos\/([^/]+)\/([^/]+)(\/.*)?$/.exec(url.pathname);
    if (!m) return unexpected();
    if (!request.authorized) return send(res, 401, { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest' });
    const name = `${m[1]}/${m[2]}`;
    const repo = repos.get(name);
    if (!repo) return notFound(res);
    // Octokit escapes slashes inside parameters (contents/airflow%2Fmain.py, git/ref/heads%2Fmaster).
    const rest = decodeURIComponent(m[3] ?? '');
    const branchOf = (ref: string | null): Branch | undefined => repo.branches.get(ref ?? repo.defaultBranch);

    if (req.method === 'GET' && rest === '') {
      return send(res, 200, { name: m[2], full_name: name, default_branch: repo.defaultBranch, html_url: `https://github.com/${name}` });
    }
    if (rest.startsWith('/contents/')) {
      const path = rest.slice('/contents/'.length);
      if (req.method === 'GET') {
        const content = branchOf(url.searchParams.get('ref'))?.files.get(path);
        if (content === undefined) return notFound(res);
        // GitHub wraps base64 content at 60 characters.
        const b64 = Buffer.from(content, 'utf8').toString('base64').replace(/.{60}/g, '$&\n');
        return send(res, 200, {
          type: 'file',
          encoding: 'base64',
          name: path.split('/').at(-1),
          path,
          sha: blobSha(content),
          size: content.length,
          content: b64,
        });
      }
      if (req.method === 'PUT') {
        const branch = typeof body?.branch === 'string' ? repo.branches.get(body.branch) : undefined;
        if (!branch || typeof body?.content !== 'string' || typeof body.message !== 'string') return send(res, 422, { message: 'Invalid request.' });
        const current = branch.files.get(path);
        if (current !== undefined && body.sha !== blobSha(current)) return send(res, 409, { message: `${path} does not match ${String(body.sha)}` });
        const content = Buffer.from(body.content, 'base64').toString('utf8');
        branch.files.set(path, content);
        branch.sha = commitSha();
        return send(res, 200, { content: { path, sha: blobSha(content) }, commit: { sha: branch.sha, message: body.message } });
      }
      return unexpected();
    }
    const ref = /^\/git\/ref\/heads\/(.+)$/.exec(rest);
    if (req.method === 'GET' && ref) {
      const branch = repo.branches.get(ref[1]!);
      if (!branch) return notFound(res);
      return send(res, 200, { ref: `refs/heads/${ref[1]!}`, object: { sha: branch.sha, type: 'commit' } });
    }
    if (req.method === 'POST' && rest === '/git/refs') {
      const newRef = typeof body?.ref === 'string' ? /^refs\/heads\/(.+)$/.exec(body.ref)?.[1] : undefined;
      const from = [...repo.branches.values()].find((b) => b.sha === body?.sha);
      if (!newRef || !from) return send(res, 422, { message: 'Invalid request.' });
      if (repo.branches.has(newRef)) return send(res, 422, { message: 'Reference already exists' });
      repo.branches.set(newRef, { sha: from.sha, files: new Map(from.files) });
      return send(res, 201, { ref: body!.ref, object: { sha: from.sha, type: 'commit' } });
    }
    if (rest === '/pulls' && req.method === 'GET') {
      const head = url.searchParams.get('head');
      const owner = m[1];
      const open = repo.pulls.filter((p) => head === null || `${owner}:${p.head}` === head);
      return send(
        res,
        200,
        open.map((p) => ({ number: p.number, html_url: p.html_url, state: 'open', title: p.title, head: { ref: p.head }, base: { ref: p.base } })),
      );
    }
    if (rest === '/pulls' && req.method === 'POST') {
      const { title, head, base, body: text } = body ?? {};
      if (typeof title !== 'string' || typeof head !== 'string' || typeof base !== 'string' || !repo.branches.has(head) || !repo.branches.has(base)) {
        return send(res, 422, { message: 'Validation Failed', errors: [{ resource: 'PullRequest', field: 'head', code: 'invalid' }] });
      }
      if (repo.branches.get(head)!.sha === repo.branches.get(base)!.sha)
        return send(res, 422, { message: 'Validation Failed', errors: [{ message: `No commits between ${base} and ${head}` }] });
      const number = 1000 + repo.pulls.length + 1;
      const pull: FakePull = { number, title, head, base, body: typeof text === 'string' ? text : '', html_url: `https://github.com/${name}/pull/${number}` };
      repo.pulls.push(pull);
      return send(res, 201, { number, html_url: pull.html_url, state: 'open', title, head: { ref: head }, base: { ref: base } });
    }
    return unexpected();
  });

  const fake: GitHubFake = {
    url: server.url,
    requests: [],
    unexpected: [],
    addRepo: (name, options) => {
      const defaultBranch = options.defaultBranch ?? 'main';
      repos.set(name, { defaultBranch, branches: new Map([[defaultBranch, { sha: commitSha(), files: new Map(Object.entries(options.files)) }]]), pulls: [] });
    },
    file: (repo, path, branch) => {
      const r = repos.get(repo);
      return r?.branches.get(branch ?? r.defaultBranch)?.files.get(path);
    },
    push: (repo, path, content) => {
      const r = repos.get(repo)!;
      const b = r.branches.get(r.defaultBranch)!;
      b.files.set(path, content);
      b.sha = commitSha();
    },
    branches: (repo) => [...(repos.get(repo)?.branches.keys() ?? [])],
    pulls: (repo) => repos.get(repo)?.pulls ?? [],
    mutations: () => fake.requests.filter((r) => r.method !== 'GET' && r.method !== 'HEAD'),
    override: (fn) => {
      overrideFn = fn;
    },
    assertNoUnexpected: () => {
      if (fake.unexpected.length > 0) throw new Error(`GitHub fake saw unexpected requests:\n  ${fake.unexpected.join('\n  ')}`);
    },
    close: () => server.close(),
  };
  return fake;
}
