import type { RunbookRegistry } from '../operations/runbook';
import { aurora } from './aurora';
import { buildFailure } from './build-failure';
import { dagao } from './dagao';
import { datomic } from './datomic-capacity';
import { registryOf, type RunbookAdapters, type RunbookModule } from './define';
import { retract } from './retract';
import { rollback, rollbackUndo } from './rollback';

export type { RunbookAdapters } from './define';

/**
 * Every runbook the bot offers, in the order help lists them. Adding a runbook is its folder and one line
 * here; `wiring.ts` supplies the adapters it `requires` by name (a missing one: listed, refusing).
 */
export const RUNBOOK_MODULES: readonly RunbookModule<any>[] = [retract, buildFailure, rollback, rollbackUndo, datomic, aurora, dagao]; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Every runbook the bot offers, by subcommand, on the adapters the configuration enables. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function createRunbooks(adapters: RunbookAdapters, modules: readonly RunbookModule<any>[] = RUNBOOK_MODULES): RunbookRegistry {
  return registryOf(modules, adapters);
}
