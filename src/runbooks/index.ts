import type { MetapodActions } from '../actions/metapod/metapod-actions';
import type { AnyRunbook, RunbookRegistry } from '../operations/runbook';
import { retractRunbook } from './retract';
import { rollbackRunbook, rollbackUndoRunbook, type RollbackDeps } from './rollback';
import { datomicCapacityRunbook, type DatomicAdapters, type DatomicSettings } from './datomic-capacity';

export interface RunbookAdapters {
  metapod?: MetapodActions;
  rollback?: RollbackDeps;
  datomic?: DatomicAdapters & { settings: DatomicSettings };
}

/** Every runbook the bot offers, by subcommand. */
export function createRunbooks(adapters: RunbookAdapters): RunbookRegistry {
  const all: AnyRunbook[] = [retractRunbook(adapters.metapod)];
  if (adapters.rollback) all.push(rollbackRunbook(adapters.rollback), rollbackUndoRunbook(adapters.rollback));
  if (adapters.datomic) all.push(datomicCapacityRunbook(adapters.datomic, adapters.datomic.settings));
  return new Map(all.map((r) => [r.name, r]));
}
