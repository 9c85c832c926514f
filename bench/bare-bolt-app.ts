// The baseline for the ack-latency bench: a Bolt app that only acks /runbook, nothing else.
import { App, LogLevel } from '@slack/bolt';

async function main(): Promise<void> {
  const app = new App({
    token: process.env.SLACK_BOT_TOKEN,
    signingSecret: process.env.SLACK_SIGNING_SECRET!,
    clientOptions: { slackApiUrl: process.env.SLACK_API_URL },
    // With token verification off and no bot identity, Bolt 5.1 calls auth.test on EVERY request
    // (singleAuthorization re-assigns its "cache"); the bot passes its identity, so the baseline does too.
    tokenVerificationEnabled: false,
    botId: 'BBOT',
    botUserId: 'UBOT',
    logLevel: LogLevel.ERROR,
  });
  app.command('/runbook', async ({ ack }) => {
    await ack();
  });
  // Button clicks too, for the approval bursts (bench/slow-deps.ts).
  app.action(/.*/, async ({ ack }) => {
    await ack();
  });
  const server = await app.start({ port: Number(process.env.PORT ?? 0), host: '127.0.0.1' });
  const address = server.address();
  process.stdout.write(`bare bolt app listening on port ${typeof address === 'object' && address ? address.port : '?'}\n`);
  process.once('SIGTERM', () => void app.stop().then(() => process.exit(0)));
}

void main();
