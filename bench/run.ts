// `npm run bench`: runs every bench script in bench/ (each exports `bench(): Promise<BenchRow[]>`),
// prints one table and writes bench/results.json. Not part of `npm test`: the numbers are reported, not asserted.
import { readdirSync, writeFileSync } from 'node:fs';
import { arch, cpus, platform, release, totalmem } from 'node:os';
import { join } from 'node:path';
import type { BenchFn, BenchRow } from './lib';

// Not benches: the runner, shared helpers, the baseline app.
const NOT_BENCHES = new Set(['run.ts', 'lib.ts', 'bare-bolt-app.ts', 'slow-store-bot.ts', 'gc-on-signal.ts']);
// Known benches first, in a stable order; any other bench script found in bench/ runs after them.
const ORDER = ['ack-latency.ts', 'startup.ts', 'alarms.ts'];

function machine(): Record<string, string | number> {
  const cpu = cpus();
  return {
    cpu: cpu[0]?.model.trim() ?? 'unknown',
    cores: cpu.length,
    memoryGB: Math.round(totalmem() / 2 ** 30),
    os: `${platform()} ${release()} ${arch()}`,
    node: process.version,
  };
}

function table(rows: (BenchRow & { bench: string })[]): string {
  const cells = rows.map((r) => [r.bench, r.metric, `${r.value} ${r.unit}`, r.target ?? '', r.ok === undefined ? '' : r.ok ? 'yes' : 'NO']);
  const header = ['bench', 'metric', 'value', 'target', 'met'];
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]) => `| ${c.map((x, i) => x.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...cells.map(line)].join('\n');
}

async function main(): Promise<void> {
  const only = process.argv.slice(2);
  const found = readdirSync(__dirname).filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts') && !NOT_BENCHES.has(f));
  const files = [...ORDER.filter((f) => found.includes(f)), ...found.filter((f) => !ORDER.includes(f)).sort()].filter(
    (f) => only.length === 0 || only.some((o) => f.startsWith(o)),
  );
  const rows: (BenchRow & { bench: string })[] = [];
  const skipped: string[] = [];
  const failed: string[] = [];
  for (const file of files) {
    const mod = (await import(join(__dirname, file))) as { bench?: BenchFn };
    if (typeof mod.bench !== 'function') {
      skipped.push(`${file}: no exported bench() function`);
      continue;
    }
    process.stderr.write(`running ${file}…\n`);
    // One bench failing (a timeout) is reported and the others still run: their rows are not lost.
    try {
      for (const row of await mod.bench()) rows.push({ bench: file.replace(/\.ts$/, ''), ...row });
    } catch (err) {
      console.error(err);
      failed.push(`${file}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  const results = { date: new Date().toISOString(), machine: machine(), rows, skipped, failed };
  writeFileSync(join(__dirname, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
  const m = results.machine;
  console.log(`\n${table(rows)}\n\nMachine: ${m.cpu}, ${m.cores} cores, ${m.memoryGB} GB, ${m.os}, Node ${m.node}`);
  for (const s of skipped) console.log(`skipped ${s}`);
  for (const f of failed) console.log(`FAILED ${f}`);
  console.log('Written to bench/results.json');
  if (failed.length > 0) process.exitCode = 1;
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
