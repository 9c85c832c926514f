import { z } from 'zod';

// TODO(#17): alarm routes (match on source, alarm name, namespace, metric, dimensions, text -> runbook and input).
/** The `alarms:` section of runbook-bot.yml. */
export const AlarmsSectionSchema = z
  .object({
    routes: z.array(z.unknown()).default([]),
  })
  .strict();

export type AlarmsSection = z.infer<typeof AlarmsSectionSchema>;
