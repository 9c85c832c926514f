/** Which variables connect the bot to real Slack, and where to get them (printed by the sandbox, and when production lacks them). */
export const REAL_SLACK_HELP = `To connect the bot to Slack, create the app from manifest.yml (README.md, "Create the Slack app"), then set:
  SLACK_BOT_TOKEN       Bot User OAuth Token (xoxb-...). https://api.slack.com/apps > your app > OAuth & Permissions.
  SLACK_SIGNING_SECRET  https://api.slack.com/apps > your app > Basic Information > App Credentials > Signing Secret.
  SLACK_APP_TOKEN       Optional: an app-level token (xapp-..., scope connections:write) from Basic Information >
                        App-Level Tokens. With it the bot uses Socket Mode and needs no public URL.
  METAPOD_URL           Metapod's base URL, for /runbook retract.
Every other setting is listed in README.md, "Configuration".
`;
