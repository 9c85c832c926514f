import type { GoCdRun } from '../../actions/gocd/gocd-actions';
import { UserFacingError } from '../../operations/runbook';

/** The version to roll back to. */
export interface Target {
  /** The version parameter value: the 7-character short SHA. */
  short: string;
  /** The full SHA when the build history knows it. */
  full?: string;
  /** The GoCD build number, when found in the history. */
  counter?: number;
  author?: string;
  message?: string;
  /** How it was chosen, for the preview. */
  why: string;
}

const matches = (revision: string, sha: string): boolean => revision.toLowerCase().startsWith(sha.toLowerCase());

/** The run that built `sha` (short or full), newest first. */
export function findBuild(history: GoCdRun[], sha: string): GoCdRun | undefined {
  return history.find((r) => r.commit !== undefined && matches(r.commit.revision, sha));
}

function fromRun(run: GoCdRun, why: string): Target {
  const commit = run.commit!;
  return {
    short: commit.revision.slice(0, 7).toLowerCase(),
    full: commit.revision.toLowerCase(),
    counter: run.counter,
    author: commit.author,
    message: commit.message,
    why,
  };
}

/**
 * `--to` when given; otherwise the newest passed build older than the newest deployed one
 * ("the last good build"). `deployed` are the live colors' short SHAs.
 */
export function chooseTarget(history: GoCdRun[], deployed: string[], pipeline: string, to?: string): Target {
  if (to !== undefined) {
    const run = findBuild(history, to);
    if (run) return fromRun(run, `asked for with --to (build #${run.counter} of \`${pipeline}\`)`);
    if (to.length < 7) throw new UserFacingError(`\`${to}\` is too short: give at least 7 characters of the SHA.`, 'bad_sha');
    return {
      short: to.slice(0, 7),
      full: to.length === 40 ? to : undefined,
      why: `asked for with --to; not among the last ${history.length} builds of \`${pipeline}\`, so check it was built`,
    };
  }
  const indexes = deployed.map((sha) => history.findIndex((r) => r.commit !== undefined && matches(r.commit.revision, sha))).filter((i) => i >= 0);
  if (indexes.length === 0) {
    throw new UserFacingError(
      `The deployed version (${deployed.map((d) => `\`${d}\``).join(', ')}) is not among the last ${history.length} builds of GoCD pipeline \`${pipeline}\`, so I cannot tell which build came before it. Give the version with \`--to <sha>\`.`,
      'deployed_not_found',
    );
  }
  const newest = Math.min(...indexes);
  const older = history.slice(newest + 1).find((r) => r.state === 'passed' && r.commit !== undefined && !deployed.some((d) => matches(r.commit!.revision, d)));
  if (!older) {
    throw new UserFacingError(
      `No passed build of \`${pipeline}\` older than the deployed one (build #${history[newest]!.counter}) among the last ${history.length} builds. Give the version with \`--to <sha>\`.`,
      'no_good_build',
    );
  }
  return fromRun(older, `the newest passed build older than the deployed build #${history[newest]!.counter}`);
}

/** `#42 6c957ed851d8…  Jane <jane@x>: Fix the index` lines, marking the deployed and the target builds. */
export function describeBuilds(history: GoCdRun[], deployed: string[], target: Target, limit = 6): string {
  return history
    .filter((r) => r.commit !== undefined)
    .slice(0, limit)
    .map((r) => {
      const c = r.commit!;
      const mark = deployed.some((d) => matches(c.revision, d)) ? '  <- deployed' : matches(c.revision, target.short) ? '  <- target' : '';
      const who = [c.author, c.message?.split('\n')[0]?.slice(0, 60)].filter(Boolean).join(': ');
      return `#${r.counter}:${c.revision} ${r.state}${who ? `  ${who}` : ''}${mark}`;
    })
    .join('\n');
}
