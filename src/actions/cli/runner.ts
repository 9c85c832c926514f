import { spawn } from 'node:child_process';
import { StringDecoder } from 'node:string_decoder';
import type { CliBinary, PreparedCommand } from './commands';

export type CliErrorCode = 'missing_binary' | 'not_executable' | 'spawn_failed';

/** The CLI could not be started at all; the message says what to fix on the bot's host. */
export class CliError extends Error {
  constructor(
    readonly code: CliErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** How a run ended: on its own, or stopped by us. */
export type CliEnd = 'exited' | 'timeout' | 'aborted' | 'flood';

export interface CliRunResult {
  command: PreparedCommand;
  /** The path the binary was started from (SABESP_BIN / NU_BIN). */
  binPath: string;
  exitCode: number | null;
  signal: string | null;
  ended: CliEnd;
  durationMs: number;
  /** stdout and stderr interleaved as they arrived, at most `maxOutputBytes`. */
  output: string;
  totalBytes: number;
  /** Why the run was stopped, in words (timeout, abort reason, flood). */
  stopReason?: string;
}

export interface CliRunOptions {
  signal?: AbortSignal;
  /** Called with each piece of output as it arrives (for streaming to the thread). */
  onOutput?(text: string): void;
}

/** Runs allow-listed commands; the only way the bot starts a process. */
export interface CliRunner {
  binPath(bin: CliBinary): string;
  run(command: PreparedCommand, options?: CliRunOptions): Promise<CliRunResult>;
}

export interface ProcessCliRunnerOptions {
  bins: Record<CliBinary, string>;
  /** Output beyond this stops the command as a flood (default 1 MiB). */
  maxOutputBytes?: number;
  /** Time between SIGTERM and SIGKILL of the process group (default 5 s). */
  killGraceMs?: number;
  env?: NodeJS.ProcessEnv;
}

// The bot's own credentials are none of the CLIs' business.
const BOT_SECRETS = ['SLACK_BOT_TOKEN', 'SLACK_SIGNING_SECRET', 'SLACK_APP_TOKEN', 'AIRFLOW_PASSWORD', 'GOCD_TOKEN', 'GITHUB_TOKEN', 'SONAR_TOKEN'];

/** The environment the CLIs get: the bot's, minus the bot's secrets. */
export function cliEnvironment(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(env).filter(([k]) => !BOT_SECRETS.includes(k)));
}

/** Spawns the CLI directly (argv array, `shell: false`) in its own process group, so a timeout kills all it started. */
export class ProcessCliRunner implements CliRunner {
  private readonly maxOutputBytes: number;
  private readonly killGraceMs: number;

  constructor(private readonly opts: ProcessCliRunnerOptions) {
    this.maxOutputBytes = opts.maxOutputBytes ?? 1024 * 1024;
    this.killGraceMs = opts.killGraceMs ?? 5000;
  }

  binPath(bin: CliBinary): string {
    return this.opts.bins[bin];
  }

  run(command: PreparedCommand, options: CliRunOptions = {}): Promise<CliRunResult> {
    const binPath = this.binPath(command.bin);
    const envName = command.bin === 'sabesp' ? 'SABESP_BIN' : 'NU_BIN';
    if (options.signal?.aborted) return Promise.resolve(this.notStarted(command, binPath, options.signal));
    const started = Date.now();
    return new Promise<CliRunResult>((resolve, reject) => {
      const child = spawn(binPath, command.args, { shell: false, detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: this.opts.env ?? cliEnvironment() });
      const chunks: string[] = [];
      let captured = 0;
      let totalBytes = 0;
      let ended: CliEnd = 'exited';
      let stopReason: string | undefined;
      let killTimer: NodeJS.Timeout | undefined;
      let exit: { code: number | null; signal: string | null } | undefined;

      const stop = (why: CliEnd, reason: string): void => {
        if (ended !== 'exited' || exit) return;
        ended = why;
        stopReason = reason;
        killGroup(child.pid, 'SIGTERM');
        killTimer = setTimeout(() => killGroup(child.pid, 'SIGKILL'), this.killGraceMs);
      };
      const timer = setTimeout(() => stop('timeout', `timed out after ${Math.round(command.timeoutMs / 1000)} s`), command.timeoutMs);
      const onAbort = (): void => stop('aborted', (options.signal?.reason as { message?: string } | undefined)?.message ?? 'cancelled');
      options.signal?.addEventListener('abort', onAbort);

      const onData = (decoder: StringDecoder) => (buf: Buffer) => {
        totalBytes += buf.length;
        if (captured < this.maxOutputBytes) {
          const room = this.maxOutputBytes - captured;
          const text = decoder.write(buf.length > room ? buf.subarray(0, room) : buf);
          captured += Math.min(buf.length, room);
          chunks.push(text);
          options.onOutput?.(text);
        }
        // Checked on every chunk: a chunk that exactly fills the cap must not let the next ones slip by.
        if (totalBytes > this.maxOutputBytes) stop('flood', `printed more than ${Math.round(this.maxOutputBytes / 1024)} KiB of output`);
      };
      child.stdout.on('data', onData(new StringDecoder('utf8')));
      child.stderr.on('data', onData(new StringDecoder('utf8')));

      const cleanup = (): void => {
        clearTimeout(timer);
        clearTimeout(killTimer);
        options.signal?.removeEventListener('abort', onAbort);
      };
      child.once('error', (err: NodeJS.ErrnoException) => {
        cleanup();
        if (err.code === 'ENOENT')
          reject(
            new CliError(
              'missing_binary',
              `The \`${command.bin}\` CLI was not found at \`${binPath}\`. Install it on the bot's host or point ${envName} at it. Nothing was run.`,
            ),
          );
        else if (err.code === 'EACCES') reject(new CliError('not_executable', `\`${binPath}\` (${envName}) is not executable by the bot. Nothing was run.`));
        else reject(new CliError('spawn_failed', `Could not start \`${command.bin}\` (${err.code ?? err.message}). Nothing was run.`));
      });
      child.once('exit', (code, signal) => {
        exit = { code, signal };
        // A leftover grandchild may still hold the pipes open: once the command itself is done, its group goes too,
        // and if something escaped the group we stop reading rather than wait for it.
        if (ended !== 'exited') killGroup(child.pid, 'SIGKILL');
        clearTimeout(killTimer);
        killTimer = setTimeout(() => {
          killGroup(child.pid, 'SIGKILL');
          child.stdout.destroy();
          child.stderr.destroy();
        }, 1000);
      });
      child.once('close', (code: number | null, signal: string | null) => {
        cleanup();
        resolve({
          command,
          binPath,
          exitCode: exit?.code ?? code,
          signal: exit?.signal ?? signal,
          ended,
          durationMs: Date.now() - started,
          output: chunks.join(''),
          totalBytes,
          stopReason,
        });
      });
    });
  }

  private notStarted(command: PreparedCommand, binPath: string, signal: AbortSignal): CliRunResult {
    const reason = (signal.reason as { message?: string } | undefined)?.message ?? 'cancelled';
    return {
      command,
      binPath,
      exitCode: null,
      signal: null,
      ended: 'aborted',
      durationMs: 0,
      output: '',
      totalBytes: 0,
      stopReason: `${reason}; it was not started`,
    };
  }
}

function killGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // The group is already gone.
  }
}
