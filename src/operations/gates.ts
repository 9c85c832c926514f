import { z } from 'zod';
import type { Step, StepGate } from './types';

const ConfirmationGate = z.object({ type: z.literal('confirmation'), button: z.string().min(1).max(75), question: z.string().min(1).max(3000) });
const Gate = z.discriminatedUnion('type', [z.object({ type: z.literal('approval') }), ConfirmationGate]);

// Versions before typed gates stored a confirmation as the step kind `confirmation` with the button in its params.
const LegacyConfirmation = z.object({ button: z.string().min(1).max(75), dataset: z.string().optional() });

/**
 * The gate of a step, parsed (stored steps come back from the store). A step stored by an earlier version as
 * `action.kind: 'confirmation'` reads as a confirmation gate; an unreadable gate fails closed to an approval,
 * which needs approvers and shows the step's real risk, never a question that changes nothing.
 */
export function gateOf(step: Pick<Step, 'gate' | 'action'>): StepGate {
  if (step.gate !== undefined) {
    const parsed = Gate.safeParse(step.gate);
    return parsed.success ? parsed.data : { type: 'approval' };
  }
  if (step.action.kind === 'confirmation') {
    const legacy = LegacyConfirmation.safeParse(step.action.params);
    if (legacy.success)
      return {
        type: 'confirmation',
        button: legacy.data.button,
        question: legacy.data.dataset ? `Is the dataset ${legacy.data.dataset} business critical?` : 'Confirm',
      };
  }
  return { type: 'approval' };
}

/** A confirmation gate (one question, one answer button). */
export function confirmationGate(button: string, question: string): StepGate {
  return ConfirmationGate.parse({ type: 'confirmation', button, question });
}
