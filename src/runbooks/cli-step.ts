import { CliError, type CliRunner, type CliRunResult } from '../actions/cli/runner';
import type { PreparedCommand } from '../actions/cli/commands';
import { displayCommand, lastLines, OutputTail } from '../actions/cli/format';
import type { StepOutcome, StepRunContext } from '../operations/runbook';
import type { PreviewLine } from '../operations/types';
import { formatDuration } from '../util/duration';
import { escapeMrkdwn } from '../util/text';

/** Lines of output shown in the thread; the rest goes in a file. */
export const SHOWN_LINES = 15;
const PROGRESS_EVERY_MS = 1000;

/** The preview lines of a command: exactly what will be spawned (no shell). */
export function commandPreview(runner: CliRunner, command: PreparedCommand): PreviewLine[] {
  return [
    { label: 'Command', value: displayCommand(runner.binPath(command.bin), command.args), code: true },
    { label: 'Timeout', value: formatDuration(command.timeoutMs) },
  ];
}

function failureSummary(r: CliRunResult): string {
  const name = `\`${r.command.bin}\``;
  const took = formatDuration(r.durationMs);
  switch (r.ended) {
    case 'timeout':
      return `${name} ${r.stopReason ?? 'timed out'}; it and everything it started were stopped. It may have done part of its work: check before retrying.`;
    case 'aborted':
      return `${name} was stopped after ${took} (${r.stopReason ?? 'cancelled'}). It may have done part of its work: check before retrying.`;
    case 'flood':
      return `${name} ${r.stopReason ?? 'printed too much'} and was stopped after ${took}. It may have done part of its work: check before retrying.`;
    case 'exited': {
      const last = lastLines(r.output, 1)[0];
      const how = r.exitCode !== null ? `exit code ${r.exitCode}` : `signal ${r.signal ?? '?'}`;
      return `${name} failed with ${how} after ${took}${last ? `: ${last}` : '.'}`;
    }
  }
}

/** Runs one prepared command for a step: streams its tail to the thread, returns exit code, duration and output. */
export async function runCliStep(
  runner: CliRunner,
  command: PreparedCommand,
  ctx: Pick<StepRunContext, 'signal' | 'progress'>,
): Promise<StepOutcome & { run?: CliRunResult }> {
  const tail = new OutputTail();
  let lastProgress = 0;
  const line: PreviewLine = { label: 'Command', value: displayCommand(runner.binPath(command.bin), command.args), code: true };
  let r: CliRunResult;
  try {
    r = await runner.run(command, {
      signal: ctx.signal,
      onOutput: (text) => {
        tail.push(text);
        if (Date.now() - lastProgress < PROGRESS_EVERY_MS) return;
        lastProgress = Date.now();
        ctx.progress(`last lines of \`${command.bin}\`:\n\`\`\`${escapeMrkdwn(tail.lines(10).join('\n')).replace(/```/g, "'''")}\`\`\``);
      },
    });
  } catch (err) {
    if (err instanceof CliError) return { ok: false, summary: err.message, details: [line] };
    throw err;
  }
  const ok = r.ended === 'exited' && r.exitCode === 0;
  const shown = lastLines(r.output, SHOWN_LINES);
  const allLines = lastLines(r.output, Number.MAX_SAFE_INTEGER);
  const details: PreviewLine[] = [
    line,
    { label: 'Exit', value: r.exitCode !== null ? `code ${r.exitCode}` : r.signal ? `stopped by ${r.signal}` : 'none' },
    { label: 'Duration', value: formatDuration(r.durationMs) },
    {
      label: allLines.length > shown.length ? `Output (last ${shown.length} of ${allLines.length} lines; the full output is attached)` : 'Output',
      value: shown.length > 0 ? shown.join('\n') : '(no output)',
      code: true,
    },
  ];
  const long = allLines.length > shown.length || r.totalBytes > r.output.length;
  const files = long
    ? [
        {
          filename: `${command.name}-output.txt`,
          title: `Output of ${command.name}${r.totalBytes > r.output.length ? ` (first ${r.output.length} of ${r.totalBytes} bytes)` : ''}`,
          content: Buffer.from(r.output, 'utf8'),
        },
      ]
    : undefined;
  const summary = ok ? `\`${command.bin}\` exited with code 0 in ${formatDuration(r.durationMs)}.` : failureSummary(r);
  return { ok, summary, details, files, run: r };
}
