import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SimulatedBackend } from '../backends';
import { startPagerDutyFake } from '../fakes/pagerduty';

/** The sandbox's workspace members by e-mail, so on-call people map to Slack users (users.lookupByEmail). */
export const SANDBOX_EMAILS: Record<string, string> = { UALICE: 'alice@example.com', UBRUNO: 'bruno@example.com', UCARLA: 'carla@example.com' };

/** An example runbook-bot.yml: an on-call schedule in PagerDuty and a policy that names it. */
const SANDBOX_CONFIG = `# runbook-bot.yml of the sandbox
approvals:
  oncall:
    schedules:
      - { name: data-infra, provider: pagerduty, schedule: PDATAINF }
  policies:
    - name: metapod-retractions
      runbooks: [retract]
      approvers: { users: [UBRUNO, UCARLA], oncall: [data-infra] }
      escalateTo: { users: [UCARLA] }
  reminders: { remindAt: 0.5, escalateAt: 0.8, maxPings: 2 }
`;

/** PagerDuty with alice on call for data-infra, and the configuration file that uses it. */
export const onCallSimulation: SimulatedBackend = {
  name: 'oncall',
  async start() {
    const pd = await startPagerDutyFake();
    pd.setOnCall('PDATAINF', [{ id: 'PALICE1', name: 'Alice', email: SANDBOX_EMAILS.UALICE! }]);
    const dir = mkdtempSync(join(tmpdir(), 'runbook-sandbox-config-'));
    const path = join(dir, 'runbook-bot.yml');
    writeFileSync(path, SANDBOX_CONFIG);
    return {
      env: { PAGERDUTY_API_URL: pd.url, PAGERDUTY_TOKEN: pd.token, RUNBOOK_CONFIG: path },
      examples: [
        { label: 'Who is on call now (PagerDuty)', command: 'oncall' },
        { label: 'Is there a freeze?', command: 'freeze' },
      ],
      state: () => ({ onCall: { 'data-infra (PagerDuty PDATAINF)': ['alice@example.com'] }, configuration: SANDBOX_CONFIG, requests: pd.requests.length }),
      async close() {
        await pd.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  },
};
