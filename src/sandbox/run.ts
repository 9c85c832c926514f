import type { Config } from '../config';
import { startSandbox } from './sandbox';

/** How to leave the sandbox for real Slack; printed when the sandbox starts. */
export const REAL_SLACK_HELP = `To run against real Slack instead, create the app from manifest.yml (README.md, "Create the Slack app"), then set:
  SLACK_BOT_TOKEN       Bot User OAuth Token (xoxb-...). https://api.slack.com/apps > your app > OAuth & Permissions.
  SLACK_SIGNING_SECRET  https://api.slack.com/apps > your app > Basic Information > App Credentials > Signing Secret.
  SLACK_APP_TOKEN       Optional: an app-level token (xapp-..., scope connections:write) from Basic Information >
                        App-Level Tokens. With it the bot uses Socket Mode and needs no public URL.
  METAPOD_URL           Metapod's base URL, for /runbook retract.
Every other setting is listed in README.md, "Configuration".
`;

/** Runs the sandbox until SIGINT/SIGTERM: the page on 127.0.0.1:PORT, everything else simulated. */
export async function runSandbox(config: Pick<Config, 'port'>, out: NodeJS.WritableStream = process.stdout): Promise<void> {
  const sandbox = await startSandbox({ port: config.port });
  out.write(
    `\nrunbook-bot sandbox: no Slack credentials are set, so Slack and the backends are simulated in this process.\n` +
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
