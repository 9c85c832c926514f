import { ConfigError, loadConfig } from '../config';
import { runSandbox } from './run';

/** `npm run sandbox`: the sandbox even when Slack credentials are set in the environment. */
async function main(): Promise<void> {
  let port = 3000;
  try {
    port = loadConfig({ ...process.env, SLACK_BOT_TOKEN: '', SLACK_APP_TOKEN: '', SLACK_SIGNING_SECRET: '' }).port;
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`${err.message}\n`);
    process.exit(1);
  }
  await runSandbox({ port });
}

main().catch((err: unknown) => {
  process.stderr.write(`the sandbox could not start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
