import { z } from 'zod';
import { OPERATION_ID_PATTERN } from '../../operations/ids';

/** A button naming one operation (Cancel, Check state, Run again): its id. */
export const OperationValue = z.string().regex(OPERATION_ID_PATTERN);

/** A button bound to one step of one plan (Approve, a confirmation answer): `<operation id>|<step id>|<fingerprint>`. */
export const StepValue = z
  .string()
  .max(200)
  .transform((v) => v.split('|'))
  .pipe(z.tuple([z.string().regex(OPERATION_ID_PATTERN), z.string().regex(/^[\w.-]{1,64}$/), z.string().regex(/^[0-9a-f]{16}$/)]))
  .transform(([operationId, stepId, fingerprint]) => ({ operationId, stepId, fingerprint }));

/**
 * An option of a plan's menu: `<operation id>|<choice>` (operation-message.ts writes it). The choice is
 * a value the runbook put in the menu (a commit, a name): words of a few safe characters, never text.
 */
export const MenuValue = z
  .string()
  .max(150)
  .transform((v) => v.split('|'))
  .pipe(z.tuple([z.string().regex(OPERATION_ID_PATTERN), z.string().regex(/^[\w.:@/-]{1,100}$/)]))
  .transform(([operationId, choice]) => ({ operationId, choice }));
