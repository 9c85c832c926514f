import { z } from 'zod';

const userId = z.string().regex(/^[UW][A-Z0-9]{2,20}$/, { error: 'must be a Slack user id (U... or W...)' });
const groupId = z.string().regex(/^S[A-Z0-9]{2,20}$/, { error: 'must be a Slack user group id (S...)' });
const name = z.string().regex(/^[a-z0-9][\w.-]{0,63}$/i, { error: 'must be a name of letters, digits, ".", "_" or "-"' });
const fraction = z
  .number()
  .gt(0, { error: 'must be a fraction of the approval window above 0' })
  .lt(1, { error: 'must be below 1 (the window has ended by then)' });

/** Who a rule names: Slack users, Slack user groups, and whoever is on call for named schedules. */
export const ApproverSetSchema = z
  .object({
    users: z.array(userId).default([]),
    groups: z.array(groupId).default([]),
    /** Names of schedules declared under `approvals.oncall`. */
    oncall: z.array(name).default([]),
  })
  .strict();
export type ApproverSet = z.infer<typeof ApproverSetSchema>;

/** One on-call schedule the bot may ask: a PagerDuty schedule or escalation policy, or an Opsgenie schedule. */
export const OnCallScheduleSchema = z.discriminatedUnion('provider', [
  z
    .object({
      name,
      provider: z.literal('pagerduty'),
      /** PagerDuty schedule id (`schedule_ids[]`) ... */
      schedule: z
        .string()
        .regex(/^[A-Z0-9]{2,20}$/, { error: 'must be a PagerDuty schedule id such as PABC123' })
        .optional(),
      /** ... or escalation policy id (`escalation_policy_ids[]`). */
      escalationPolicy: z
        .string()
        .regex(/^[A-Z0-9]{2,20}$/, { error: 'must be a PagerDuty escalation policy id such as PABC123' })
        .optional(),
    })
    .strict()
    .refine((s) => (s.schedule === undefined) !== (s.escalationPolicy === undefined), { error: 'give exactly one of schedule and escalationPolicy' }),
  z
    .object({
      name,
      provider: z.literal('opsgenie'),
      /** The schedule's id or name in Opsgenie. */
      schedule: z.string().min(1).max(200),
      identifierType: z.enum(['id', 'name']).default('name'),
    })
    .strict(),
]);
export type OnCallSchedule = z.infer<typeof OnCallScheduleSchema>;

const riskName = z.enum(['mutating', 'destructive'], { error: 'must be mutating or destructive (read-only steps need no approval)' });

/** One approval policy: which operations it governs (runbook, risk, target) and who may approve them. */
export const ApprovalPolicySchema = z
  .object({
    name: name.optional(),
    /** Runbook names; absent means every runbook. */
    runbooks: z.array(name).optional(),
    /** Risks; absent means both mutating and destructive. */
    risks: z.array(riskName).optional(),
    /** Globs over the operation's target (service, table or job); absent means every target. */
    targets: z.array(z.string().min(1).max(200)).optional(),
    /** Who may approve; absent means the default (APPROVERS, or any member of the channel). */
    approvers: ApproverSetSchema.optional(),
    /** Distinct approvers needed; never below the four-eyes minimum (1 mutating, 2 destructive). */
    count: z.number().int().min(1).max(5).optional(),
    /** Users and groups whose members never count, even when named above. The requester never counts either. */
    exclude: z
      .object({ users: z.array(userId).default([]), groups: z.array(groupId).default([]) })
      .strict()
      .optional(),
    /** Name of a schedule: at least one approver must be on call for it when approving. */
    requireOnCall: name.optional(),
    /** Who the reminder at `escalateAt` mentions, in addition to the approvers. */
    escalateTo: ApproverSetSchema.optional(),
  })
  .strict();
export type ApprovalPolicyConfig = z.infer<typeof ApprovalPolicySchema>;

/** When a plan waiting for approval pings its approvers again (fractions of the approval window). */
export const RemindersSchema = z
  .object({
    enabled: z.boolean().default(true),
    remindAt: fraction.default(0.5),
    escalateAt: fraction.default(0.8),
    /** Pings after the plan message itself; at most this many per gate. */
    maxPings: z.number().int().min(0).max(5).default(2),
  })
  .strict()
  .refine((r) => r.remindAt < r.escalateAt, { error: 'remindAt must come before escalateAt' });

/** At most `perHour` operations of a runbook for one target in any hour. */
export const RateLimitSchema = z
  .object({
    runbooks: z.array(name).optional(),
    targets: z.array(z.string().min(1).max(200)).optional(),
    perHour: z.number().int().min(1).max(1000),
  })
  .strict();
export type RateLimitConfig = z.infer<typeof RateLimitSchema>;

/** The `approvals:` section of runbook-bot.yml. */
export const ApprovalsSectionSchema = z
  .object({
    /** First match wins (in file order); operations no policy matches get the built-in defaults. */
    policies: z.array(ApprovalPolicySchema).default([]),
    oncall: z
      .object({ schedules: z.array(OnCallScheduleSchema).default([]) })
      .strict()
      .default({ schedules: [] }),
    reminders: RemindersSchema.default({ enabled: true, remindAt: 0.5, escalateAt: 0.8, maxPings: 2 }),
    limits: z.array(RateLimitSchema).default([]),
  })
  .strict()
  .superRefine((section, ctx) => {
    // A policy naming an undeclared schedule would fail every approval at 3 a.m.: refuse it at start.
    const declared = new Set(section.oncall.schedules.map((s) => s.name));
    const seen = new Set<string>();
    section.oncall.schedules.forEach((s, i) => {
      if (seen.has(s.name)) ctx.addIssue({ code: 'custom', path: ['oncall', 'schedules', i, 'name'], message: `schedule ${s.name} is declared twice` });
      seen.add(s.name);
    });
    section.policies.forEach((p, i) => {
      const named: [string[], string][] = [
        [p.approvers?.oncall ?? [], 'approvers'],
        [p.escalateTo?.oncall ?? [], 'escalateTo'],
        [p.requireOnCall ? [p.requireOnCall] : [], 'requireOnCall'],
      ];
      for (const [names, key] of named) {
        for (const n of names) {
          if (!declared.has(n))
            ctx.addIssue({ code: 'custom', path: ['policies', i, key], message: `no schedule named ${n} under approvals.oncall.schedules` });
        }
      }
    });
  });

export type ApprovalsSection = z.infer<typeof ApprovalsSectionSchema>;
