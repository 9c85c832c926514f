import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Simulated `sabesp` and `nu` executables in a temp dir; every run's argv is logged. */
export interface SandboxCli {
  dir: string;
  path(bin: 'sabesp' | 'nu'): string;
  /** argv of every run so far, oldest first, as `bin arg arg ...`. */
  calls(): string[][];
  remove(): void;
}

// Plain JavaScript run by this node binary, as separate processes (the bot runs the real executables).
// Output follows the shape of the runbook's examples: short, line by line, a little slow.
const SCRIPT = (dir: string, bin: string): string => `#!${process.execPath}
const fs = require('fs');
const path = require('path');
const argv = process.argv.slice(2);
fs.appendFileSync(path.join(${JSON.stringify(dir)}, 'calls.jsonl'), JSON.stringify([${JSON.stringify(bin)}, ...argv]) + '\\n');
const words = argv.filter((a) => !a.startsWith('--'));
const job = words[3] || '';
let lines;
if (${JSON.stringify(bin)} === 'nu') {
  lines = ['Cycling ' + (words[2] || '') + ' instances...', 'Terminated 6 of 6 instances', 'Auto scaling group replaced them: 6 healthy'];
} else if (words[1] === 'list') {
  lines = ['JOB            STATE     SINCE', 'dagao          RUNNING   2 h', 'scale          FINISHED  9 h', 'contracts-sync RUNNING   35 min'];
} else if (words[1] === 'status') {
  lines = ['JOB    STATE    INSTANCES  SINCE', job + '  ' + (job === 'dagao' ? 'FAILED' : 'RUNNING') + '  1/1        2 h'];
} else if (words[1] === 'create') {
  lines = ['Creating job ' + job + ' on cantareira-stable...', 'Job ' + job + ' created: ' + Math.random().toString(16).slice(2, 6)];
} else if (words[1] === 'kill') {
  lines = ['Killing job ' + job + '...', 'Job ' + job + ' killed'];
} else {
  lines = ['sabesp: unknown command'];
  process.exitCode = 2;
}
let i = 0;
const next = () => { if (i < lines.length) { process.stdout.write(lines[i++] + '\\n'); setTimeout(next, 300); } };
next();
`;

/** Writes the executables; they log to `calls.jsonl` next to them. */
export function writeSandboxCli(): SandboxCli {
  const dir = mkdtempSync(join(tmpdir(), 'runbook-sandbox-cli-'));
  for (const bin of ['sabesp', 'nu']) {
    writeFileSync(join(dir, bin), SCRIPT(dir, bin));
    chmodSync(join(dir, bin), 0o755);
  }
  const log = join(dir, 'calls.jsonl');
  return {
    dir,
    path: (bin) => join(dir, bin),
    calls: () =>
      existsSync(log)
        ? readFileSync(log, 'utf8')
            .split('\n')
            .filter(Boolean)
            .map((l) => JSON.parse(l) as string[])
        : [],
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
