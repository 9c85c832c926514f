import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** What one run of a fake CLI does. */
export interface FakeCliBehaviour {
  /** Lines printed on stdout (and stderr), with `lineDelayMs` between them. */
  stdout?: string[];
  stderr?: string[];
  lineDelayMs?: number;
  exitCode?: number;
  /** Never exits on its own (until killed). */
  hang?: boolean;
  /** Starts a child that sleeps forever, holding the output pipes (to prove the whole process group is killed). */
  grandchild?: boolean;
  /** Prints this many bytes of junk as fast as it can. */
  floodBytes?: number;
}

/** Executable node scripts named `sabesp` and `nu` in a temp dir: they record their argv and act as scripted. */
export interface FakeCli {
  dir: string;
  path(bin: 'sabesp' | 'nu'): string;
  /** argv (without the program name) of every run, in order. */
  calls(bin: 'sabesp' | 'nu'): string[][];
  /** Behaviour of the next runs, in order; the last one repeats. */
  script(bin: 'sabesp' | 'nu', ...runs: FakeCliBehaviour[]): void;
  /** Pids of grandchildren started so far. */
  grandchildren(): number[];
  remove(): void;
}

// Plain JavaScript run by the real node binary: the CLIs are separate processes, as in production.
const SCRIPT = (dir: string, bin: string): string => `#!${process.execPath}
const fs = require('fs');
const path = require('path');
const { spawn } = require('child_process');
const dir = ${JSON.stringify(dir)};
const log = path.join(dir, ${JSON.stringify(`${bin}.calls.jsonl`)});
const previous = fs.existsSync(log) ? fs.readFileSync(log, 'utf8').split('\\n').filter(Boolean).length : 0;
fs.appendFileSync(log, JSON.stringify(process.argv.slice(2)) + '\\n');
const file = path.join(dir, ${JSON.stringify(`${bin}.behaviour.json`)});
const runs = fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf8')) : [{}];
const b = runs[Math.min(previous, runs.length - 1)] || {};
if (b.grandchild) {
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'inherit' });
  fs.appendFileSync(path.join(dir, 'grandchildren'), child.pid + '\\n');
}
if (b.floodBytes) {
  const chunk = 'x'.repeat(1023) + '\\n';
  let left = b.floodBytes;
  const pump = () => { while (left > 0) { left -= chunk.length; if (!process.stdout.write(chunk)) return process.stdout.once('drain', pump); } };
  pump();
}
const lines = [...(b.stdout || []).map((l) => ['out', l]), ...(b.stderr || []).map((l) => ['err', l])];
let i = 0;
const next = () => {
  if (i < lines.length) {
    const [where, line] = lines[i++];
    (where === 'out' ? process.stdout : process.stderr).write(line + '\\n');
    return setTimeout(next, b.lineDelayMs || 0);
  }
  if (b.hang) return setInterval(() => {}, 1000);
  process.exitCode = b.exitCode || 0;
};
next();
`;

/** Writes fake `sabesp` and `nu` executables into a fresh temp dir. */
export function createFakeCli(): FakeCli {
  const dir = mkdtempSync(join(tmpdir(), 'runbook-bot-cli-'));
  for (const bin of ['sabesp', 'nu']) {
    writeFileSync(join(dir, bin), SCRIPT(dir, bin));
    chmodSync(join(dir, bin), 0o755);
  }
  return {
    dir,
    path: (bin) => join(dir, bin),
    calls(bin) {
      const log = join(dir, `${bin}.calls.jsonl`);
      if (!existsSync(log)) return [];
      return readFileSync(log, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as string[]);
    },
    script(bin, ...runs) {
      writeFileSync(join(dir, `${bin}.behaviour.json`), JSON.stringify(runs));
    },
    grandchildren() {
      const file = join(dir, 'grandchildren');
      return existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean).map(Number) : [];
    },
    remove() {
      for (const pid of this.grandchildren()) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** True while a process with this pid exists. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
