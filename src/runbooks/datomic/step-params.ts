import { z } from 'zod';

const Units = z.number().int().nonnegative();
const Capacity = z.object({ read: Units, write: Units });
const TABLE_NAME = /^[a-zA-Z0-9_.-]{3,255}$/;

/** One table or GSI whose capacity a step changes (a `CapacityLine` as stored with the plan). */
const CapacityLine = z.object({
  target: z.string().regex(TABLE_NAME),
  kind: z.enum(['table', 'index']),
  from: Capacity,
  to: Capacity,
  capped: z.array(z.enum(['read', 'write'])),
});

/** `datomic.diagnose`: the table and the closed metric window the diagnosis reads. */
export const DiagnoseParams = z.object({
  table: z.string().regex(TABLE_NAME),
  window: z.object({ start: z.iso.datetime(), end: z.iso.datetime(), periodSeconds: z.number().int().positive().max(86_400) }),
});

/** `dynamodb.updateCapacity`: the table and the new capacity of each target, exactly as previewed. */
export const UpdateCapacityParams = z.object({ table: z.string().regex(TABLE_NAME), lines: z.array(CapacityLine).min(1) });
