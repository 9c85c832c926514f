import type { Config } from '../config';
import { REAL_SLACK_HELP } from '../setup-help';
import { startSandbox } from './sandbox';

/** Runs the sandbox until SIGINT/SIGTERM: the page on 127.0.0.1:PORT, everything else simulated. */
export async function runSandbox(config: Pick<Config, 'port'>, why = '', out: NodeJS.WritableStream = process.stdout): Promise<void> {
  const sandbox = await startSandbox({ port: config.port });
  out.write(
    `\nrunbook-bot sandbox: ${why}Slack and the backends are simulated in this process.\n` +
      `  Open ${sandbox.url} to type /runbook commands and click the buttons as different people.\n` +
      `  The bot's own endpoints: ${sandbox.bot.url}/healthz and ${sandbox.bot.url}/metrics\n` +
      `  Stop with Ctrl-C.\n\n${REAL_SLACK_HELP}`,
  );
  const stop = (): void => {
    sandbox.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}
