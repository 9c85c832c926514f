import { z } from 'zod';
import { arg, argMetaOf } from '../../../src/operations/runbook-args';

describe('runbook args metadata', () => {
  it("keeps each field's metadata with its schema, and none for an undeclared field", () => {
    const args = z.object({
      id: arg(z.uuid(), { label: 'dataset id', positional: 0 }),
      env: arg(z.enum(['prod', 'staging']).optional(), { label: 'environment', flag: 'env', lookup: 'envs' }),
      other: z.string(),
    });
    expect(argMetaOf(args.shape.id)).toEqual({ label: 'dataset id', positional: 0 });
    expect(argMetaOf(args.shape.env)?.flag).toBe('env');
    expect(argMetaOf(args.shape.other)).toBeUndefined();
  });
});
