import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ts from 'typescript';

/** The repository root (bench/ lives directly under it). */
export const ROOT = join(__dirname, '..');

/**
 * Compiles a bench-side TypeScript file to plain JavaScript (under node_modules/.cache, so its imports
 * resolve), so a child runs without a TypeScript loader, exactly as `dist/main.js` does.
 */
export function compileForNode(file: string): string {
  const out = join(ROOT, 'node_modules', '.cache', 'runbook-bench');
  mkdirSync(out, { recursive: true });
  const target = join(out, file.replace(/^.*\//, '').replace(/\.ts$/, '.js'));
  const { outputText } = ts.transpileModule(readFileSync(join(ROOT, file), 'utf8'), {
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
  });
  writeFileSync(target, outputText);
  return target;
}

/** One line of the results table. */
export interface BenchRow {
  /** What was measured, e.g. "ack latency p99 (100 concurrent)". */
  metric: string;
  value: number;
  unit: 'ms' | 'MB' | 'x' | 'count' | 'per s';
  /** The target from the issue, as text (e.g. "<= 1.3x"); omitted when there is none. */
  target?: string;
  /** Whether the value meets the target; omitted when there is none. */
  ok?: boolean;
  note?: string;
}

/**
 * The contract every bench script in bench/ follows, so the runner can pick up new ones (e.g.
 * bench/alarms.ts) without changes: `export async function bench(): Promise<BenchRow[]>`.
 */
export type BenchFn = () => Promise<BenchRow[]>;

/** The p-th percentile (0..100) by nearest rank. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1]!;
}

export function round(value: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/** A temporary directory removed by the returned cleanup. */
export function tempDir(prefix: string): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface Child {
  proc: ChildProcess;
  port: number;
  /** Milliseconds from spawn to the ready line. */
  startMs: number;
  output: () => string;
  stop(): Promise<void>;
}

/** Spawns `node <args>` and waits until its output matches `ready` (whose first group is the port). */
export async function spawnNode(args: string[], env: Record<string, string>, ready: RegExp, timeoutMs = 20_000): Promise<Child> {
  const started = process.hrtime.bigint();
  const proc = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`not ready within ${timeoutMs} ms:\n${output}`)), timeoutMs);
    const onData = (d: Buffer): void => {
      output += d.toString();
      const m = ready.exec(output);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
      // Keep only the tail: the bot logs every request, and a long bench would otherwise hold it all.
      if (output.length > 64_000) output = output.slice(-16_000);
    };
    proc.stdout.on('data', onData);
    proc.stderr.on('data', onData);
    proc.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`exited with ${code} before it was ready:\n${output}`));
    });
  });
  const startMs = Number(process.hrtime.bigint() - started) / 1e6;
  return {
    proc,
    port,
    startMs,
    output: () => output,
    async stop() {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGTERM');
      await exited;
    },
  };
}
