import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A runbook-bot.yml in a temporary directory; returns its path for RUNBOOK_CONFIG. */
export function configFile(yaml: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'rb-config-')), 'runbook-bot.yml');
  writeFileSync(path, yaml);
  return path;
}
