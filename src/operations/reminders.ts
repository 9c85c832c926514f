import type { OperationStore } from '../store/store';
import { ruleFor, type OnCallDirectory } from './approval-rules';
import type { ApproverSet } from '../config-file/approval-policies';
import { attemptOf, currentStep } from './changes';
import type { OperationEvent } from './observer';
import type { Operation } from './types';

/** When and how often a plan waiting for approval pings people (approvals.reminders in runbook-bot.yml). */
export interface ReminderSettings {
  enabled: boolean;
  remindAt: number;
  escalateAt: number;
  maxPings: number;
}

export interface ReminderContext {
  store: OperationStore;
  now: () => Date;
  approvalTtlMs: number;
  settings: ReminderSettings;
  oncall?: OnCallDirectory;
  notify(op: Operation, event: OperationEvent): Promise<void>;
}

/** Mentions of a set: users and groups, and the people on call now (or the schedule's name when that lookup fails). */
async function mentionsOf(set: ApproverSet | undefined, oncall: OnCallDirectory | undefined): Promise<string[]> {
  if (!set) return [];
  const out = [...set.users.map((u) => `<@${u}>`), ...set.groups.map((g) => `<!subteam^${g}>`)];
  for (const schedule of set.oncall) {
    try {
      const now = oncall ? await oncall.onCallNow(schedule) : undefined;
      out.push(...(now?.userIds.map((u) => `<@${u}>`) ?? [`whoever is on call for ${schedule}`]));
    } catch {
      out.push(`whoever is on call for ${schedule} (the on-call lookup failed)`);
    }
  }
  return [...new Set(out)];
}

/**
 * Pings the eligible approvers of plans waiting for approval at `remindAt` of the window, and the
 * escalation target at `escalateAt`; at most `maxPings` per gate. Each ping is claimed once in the store
 * (`remember`, a compare-and-set), so replicas sweeping at the same time send it once.
 */
export async function sendReminders(ctx: ReminderContext): Promise<void> {
  if (!ctx.settings.enabled || ctx.settings.maxPings === 0) return;
  const at = ctx.now().getTime();
  for (const op of await ctx.store.listByState(['awaiting_approval'])) {
    if (!op.expiresAt) continue;
    const end = Date.parse(op.expiresAt);
    const start = end - ctx.approvalTtlMs;
    const elapsed = (at - start) / ctx.approvalTtlMs;
    if (at >= end || elapsed < ctx.settings.remindAt) continue;
    const step = currentStep(op);
    const stages = (['remind', 'escalate'] as const).slice(0, ctx.settings.maxPings);
    const due = stages.filter((s) => elapsed >= (s === 'remind' ? ctx.settings.remindAt : ctx.settings.escalateAt)).at(-1);
    if (!due) continue;
    // One key per gate (step and attempt) and stage: a later gate of the same operation is reminded afresh.
    const key = `reminder:${op.id}:${step.id}:${attemptOf(op, step.id)}:${op.expiresAt}:${due}`;
    if (!(await ctx.store.remember(key, 2 * ctx.approvalTtlMs))) continue;
    const rule = ruleFor(op, step);
    const approvers = await mentionsOf(rule?.approvers, ctx.oncall);
    const escalation = due === 'escalate' ? await mentionsOf(rule?.escalateTo, ctx.oncall) : [];
    await ctx.notify(op, { type: 'approval_reminder', stage: due, approvers, escalation });
  }
}
