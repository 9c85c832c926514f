import type { MetapodActions } from '../actions/metapod/metapod-actions';
import type { AnyRunbook, RunbookRegistry } from '../operations/runbook';
import { retractRunbook } from './retract';

export interface RunbookAdapters {
  metapod?: MetapodActions;
}

/** Every runbook the bot offers, by subcommand. */
export function createRunbooks(adapters: RunbookAdapters): RunbookRegistry {
  const all: AnyRunbook[] = [retractRunbook(adapters.metapod)];
  return new Map(all.map((r) => [r.name, r]));
}
