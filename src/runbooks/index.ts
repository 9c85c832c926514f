import type { CliAllowList } from '../actions/cli/allow-list';
import type { CliRunner } from '../actions/cli/runner';
import type { MetapodActions } from '../actions/metapod/metapod-actions';
import type { AnyRunbook, RunbookRegistry } from '../operations/runbook';
import { auroraRunbook } from './aurora';
import { retractRunbook } from './retract';

export interface RunbookAdapters {
  metapod?: MetapodActions;
  cli?: { allowList: CliAllowList; runner: CliRunner };
}

/** Every runbook the bot offers, by subcommand. */
export function createRunbooks(adapters: RunbookAdapters): RunbookRegistry {
  const all: AnyRunbook[] = [retractRunbook(adapters.metapod)];
  if (adapters.cli) all.push(auroraRunbook(adapters.cli));
  return new Map(all.map((r) => [r.name, r]));
}
