import picomatch from 'picomatch';
import { z } from 'zod';
import type { RateLimitConfig } from '../config-file/approval-policies';
import type { OperationStore } from '../store/store';
import { targetsOf } from './approval-rules';
import type { Operation, Plan, Step } from './types';

const FREEZE_KEY = 'freeze';
const HOUR_MS = 3_600_000;
/** How many past operations the rate limit looks through (the newest first). */
const RECENT_WINDOW = 500;
const HISTORY = 20;

const FreezeEvent = z.object({ frozen: z.boolean(), reason: z.string(), by: z.string(), at: z.string() });
const FreezeState = FreezeEvent.extend({ history: z.array(FreezeEvent).default([]) });
export type FreezeState = z.infer<typeof FreezeState>;

/** Whether new mutating operations may start and approvals be given: the shared freeze and the per-hour limits. */
export class Admission {
  constructor(
    private readonly store: OperationStore,
    private readonly limits: readonly RateLimitConfig[],
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** The stored freeze; a stored value that does not parse counts as frozen (fail closed). */
  async freezeState(): Promise<FreezeState | undefined> {
    const raw = await this.store.getSetting(FREEZE_KEY);
    if (raw === undefined) return undefined;
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch {
      json = undefined;
    }
    const parsed = FreezeState.safeParse(json);
    return parsed.success
      ? parsed.data
      : { frozen: true, reason: 'the stored freeze could not be read; turn it off again to clear it', by: 'system', at: this.now().toISOString(), history: [] };
  }

  /** Turns the freeze on or off; the change is kept (with the last 20 before it) for everyone to see. */
  async setFreeze(frozen: boolean, reason: string, by: string): Promise<FreezeState> {
    const previous = await this.freezeState();
    const event = { frozen, reason, by, at: this.now().toISOString() };
    const history = previous
      ? [{ frozen: previous.frozen, reason: previous.reason, by: previous.by, at: previous.at }, ...previous.history].slice(0, HISTORY)
      : [];
    const state = { ...event, history };
    await this.store.putSetting(FREEZE_KEY, JSON.stringify(state));
    return state;
  }

  /** Why a new operation whose plan starts with `plan.steps[0]` may not be proposed now; undefined when it may. */
  async refusePropose(runbook: string, input: unknown, plan: Plan): Promise<string | undefined> {
    const first = plan.steps[0];
    if (first && first.risk !== 'read-only') {
      const freeze = await this.freezeState();
      if (freeze?.frozen) return frozenText(freeze);
    }
    if (!plan.steps.some((s) => s.risk !== 'read-only')) return undefined;
    return this.refuseRate(runbook, targetsOf(input, plan.facts));
  }

  /** Why `step` of `op` may not be approved now (the freeze); undefined when it may. */
  async refuseApproval(_op: Operation, step: Step): Promise<string | undefined> {
    if (step.risk === 'read-only') return undefined;
    const freeze = await this.freezeState();
    return freeze?.frozen ? frozenText(freeze) : undefined;
  }

  private async refuseRate(runbook: string, targets: string[]): Promise<string | undefined> {
    const matches = (globs: readonly string[] | undefined, t: string): boolean => !globs || globs.some((g) => picomatch.isMatch(t, g, { nocase: true }));
    const limit = this.limits.find((l) => (!l.runbooks || l.runbooks.includes(runbook)) && (!l.targets || targets.some((t) => matches(l.targets, t))));
    if (!limit || targets.length === 0) return undefined;
    const since = this.now().getTime() - HOUR_MS;
    const recent = (await this.store.listRecent(RECENT_WINDOW)).filter((op) => op.runbook === runbook && Date.parse(op.createdAt) > since && counts(op));
    for (const target of targets) {
      const same = recent.filter((op) => targetsOf(op.input, op.plan.facts).includes(target));
      if (same.length < limit.perHour) continue;
      const oldest = same.reduce((a, b) => (Date.parse(a.createdAt) < Date.parse(b.createdAt) ? a : b));
      const next = new Date(Date.parse(oldest.createdAt) + HOUR_MS).toISOString().slice(11, 16);
      return `${runbook} for ${target} was requested ${same.length} times in the last hour (${same.map((o) => `\`${o.id}\``).join(', ')}); the limit in runbook-bot.yml is ${limit.perHour} per hour. The next one is possible after ${next} UTC.`;
    }
    return undefined;
  }
}

/** An operation counts against the limit unless it ended before anything ran (cancelled or expired unrun). */
function counts(op: Operation): boolean {
  return !((op.state === 'cancelled' || op.state === 'expired') && op.results.length === 0);
}

function frozenText(freeze: FreezeState): string {
  return `Changes are frozen (by <@${freeze.by}> at ${freeze.at.slice(0, 16).replace('T', ' ')} UTC): ${freeze.reason}. Read-only diagnosis still works; \`/runbook freeze off <reason>\` lifts the freeze.`;
}
