import { createHash } from 'node:crypto';
import type { Plan, Step } from './types';

/** JSON with object keys sorted, so equal data always hashes equally. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      const obj = v as Record<string, unknown>;
      return Object.fromEntries(
        Object.keys(obj)
          .sort()
          .map((k) => [k, obj[k]]),
      );
    }
    return v;
  });
}

function hash(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value)).digest('hex').slice(0, 16);
}

/**
 * Fingerprint of one step: what an approval of that step is bound to. A later attempt (run again
 * after an interruption) gets its own, so a click or a retried delivery meant for an earlier attempt
 * can never approve it.
 */
export function stepFingerprint(step: Step, facts: Record<string, unknown>, attempt = 1): string {
  return attempt === 1 ? hash({ step, facts }) : hash({ step, facts, attempt });
}

/** Builds a plan and computes its fingerprint over its steps and facts. */
export function makePlan(fields: Omit<Plan, 'fingerprint'>): Plan {
  return { ...fields, fingerprint: hash({ steps: fields.steps, facts: fields.facts }) };
}
