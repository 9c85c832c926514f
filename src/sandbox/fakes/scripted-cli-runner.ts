import type { PreparedCommand } from '../../actions/cli/commands';
import type { CliRunner, CliRunOptions, CliRunResult } from '../../actions/cli/runner';

/** A runner that prints scripted output without starting anything, and records what it was asked to run. */
export class ScriptedRunner implements CliRunner {
  runs: PreparedCommand[] = [];
  constructor(
    public output: string[] = ['ok'],
    public exitCode = 0,
  ) {}
  binPath(bin: 'sabesp' | 'nu'): string {
    return `/opt/bin/${bin}`;
  }
  run(command: PreparedCommand, options: CliRunOptions = {}): Promise<CliRunResult> {
    this.runs.push(command);
    for (const line of this.output) options.onOutput?.(`${line}\n`);
    const output = this.output.map((l) => `${l}\n`).join('');
    return Promise.resolve({
      command,
      binPath: this.binPath(command.bin),
      exitCode: this.exitCode,
      signal: null,
      ended: 'exited',
      durationMs: 1200,
      output,
      totalBytes: output.length,
    });
  }
}
