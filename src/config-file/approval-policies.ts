import { z } from 'zod';

// TODO(#21): approval policies (per runbook, risk and target; approvers, counts, on call, reminders, limits).
/** The `approvals:` section of runbook-bot.yml. */
export const ApprovalsSectionSchema = z
  .object({
    policies: z.array(z.unknown()).default([]),
  })
  .strict();

export type ApprovalsSection = z.infer<typeof ApprovalsSectionSchema>;
