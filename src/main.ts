import { ConfigError, loadConfig } from './config';
import { startBot } from './bot';

const SETUP_HELP = `runbook-bot needs Slack credentials to run (a local sandbox without Slack is planned).

Set these environment variables, then run \`npm start\` again:
  SLACK_BOT_TOKEN       Bot User OAuth Token (xoxb-...). https://api.slack.com/apps > your app > OAuth & Permissions.
  SLACK_SIGNING_SECRET  https://api.slack.com/apps > your app > Basic Information > App Credentials > Signing Secret.
  SLACK_APP_TOKEN       Optional: an app-level token (xapp-..., scope connections:write) from Basic Information >
                        App-Level Tokens. With it the bot uses Socket Mode and needs no public URL.
  METAPOD_URL           Metapod's base URL, for /runbook retract.

Create the Slack app from manifest.yml first (README.md, "Create the Slack app"). Every other setting is
listed in README.md, "Configuration".
`;

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
  if (config.slack.mode === 'unconfigured') {
    process.stderr.write(SETUP_HELP);
    process.exit(1);
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
