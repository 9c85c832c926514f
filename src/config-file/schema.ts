import { z } from 'zod';
import { AlarmsSectionSchema } from './alarm-routes';
import { ApprovalsSectionSchema } from './approval-policies';

/**
 * runbook-bot.yml: what a team writes as policy (alarm routes, approval policies). Each section has its
 * own schema in its own file, so features add to the file without touching each other.
 */
export const ConfigFileSchema = z
  .object({
    version: z.literal(1, { error: 'must be 1 (the only version of this file so far)' }).default(1),
    alarms: AlarmsSectionSchema.default({ routes: [] }),
    approvals: ApprovalsSectionSchema.prefault({}),
  })
  .strict();

export type ConfigFile = z.infer<typeof ConfigFileSchema>;

/** The built-in defaults: what an absent file means. */
export const DEFAULT_CONFIG_FILE: ConfigFile = ConfigFileSchema.parse({});
