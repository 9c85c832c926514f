import { ConfigError, loadConfig } from './config';
import { startBot } from './bot';
import { REAL_SLACK_HELP } from './setup-help';

/** Wiring only: configuration, start, signals. Errors are one clear message, never a stack trace. */
async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
  // Without Slack credentials there is nothing real to talk to: run the local sandbox instead.
  if (config.slack.mode === 'unconfigured') {
    // A production deployment without its token is a mistake to report, not a reason to run a sandbox.
    if (process.env.NODE_ENV === 'production') {
      process.stderr.write(`runbook-bot needs Slack credentials in production (NODE_ENV=production).\n${REAL_SLACK_HELP}`);
      process.exit(1);
    }
    // Loaded only here, so a production start does not load the simulations.
    return (await import('./sandbox/run')).runSandbox(config, 'no SLACK_BOT_TOKEN is set, so ');
  }
  const bot = await startBot(config);
  const shutdown = (signal: string): void => {
    bot.logger.info({ signal }, 'shutting down');
    bot.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        bot.logger.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
}

main().catch((err: unknown) => {
  process.stderr.write(`runbook-bot could not start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
