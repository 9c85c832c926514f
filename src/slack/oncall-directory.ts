import type { webApi } from '@slack/bolt';
import type { OnCallSchedule } from '../config-file/approval-policies';
import type { OnCallProvider } from '../actions/oncall/provider';
import type { OnCallDirectory } from '../operations/approval-rules';

/** Who is on call for one schedule now, in Slack users and the e-mails no Slack user has. */
export interface OnCallNow {
  userIds: string[];
  unmapped: string[];
}

/**
 * On-call people of the configured schedules, mapped to Slack users by e-mail (`users.lookupByEmail`).
 * Both answers are cached briefly; a failed lookup is never cached, and it throws, so callers fail closed.
 */
export class SlackOnCallDirectory implements OnCallDirectory {
  private readonly schedules: Map<string, OnCallSchedule>;
  private readonly onCallCache = new Map<string, { value: OnCallNow; until: number }>();
  private readonly emailCache = new Map<string, { userId?: string; until: number }>();

  constructor(
    schedules: readonly OnCallSchedule[],
    private readonly providers: { pagerduty?: OnCallProvider; opsgenie?: OnCallProvider },
    private readonly client: webApi.WebClient,
    private readonly options: { ttlMs?: number; timeoutMs?: number; now?: () => number } = {},
  ) {
    this.schedules = new Map(schedules.map((s) => [s.name, s]));
  }

  /** The schedules the configuration declares. */
  names(): string[] {
    return [...this.schedules.keys()];
  }

  async onCallNow(name: string): Promise<OnCallNow> {
    const now = this.options.now?.() ?? Date.now();
    const hit = this.onCallCache.get(name);
    if (hit && hit.until > now) return hit.value;
    const schedule = this.schedules.get(name);
    if (!schedule) throw new Error(`no schedule named ${name} is configured`);
    const provider = this.providers[schedule.provider];
    if (!provider) throw new Error(`${schedule.provider === 'pagerduty' ? 'PAGERDUTY_TOKEN' : 'OPSGENIE_API_KEY'} is not set, so ${name} cannot be read`);
    const people = await provider.onCallNow(schedule, AbortSignal.timeout(this.options.timeoutMs ?? 10_000));
    const value: OnCallNow = { userIds: [], unmapped: [] };
    for (const person of people) {
      const userId = await this.slackUserOf(person.email);
      if (userId) value.userIds.push(userId);
      else value.unmapped.push(person.email);
    }
    this.onCallCache.set(name, { value, until: now + (this.options.ttlMs ?? 60_000) });
    return value;
  }

  private async slackUserOf(email: string): Promise<string | undefined> {
    const key = email.toLowerCase();
    const now = this.options.now?.() ?? Date.now();
    const hit = this.emailCache.get(key);
    if (hit && hit.until > now) return hit.userId;
    let userId: string | undefined;
    try {
      userId = (await this.client.users.lookupByEmail({ email })).user?.id;
    } catch (err) {
      // Nobody in the workspace has this address: the person simply cannot approve from Slack.
      if ((err as { data?: { error?: string } }).data?.error !== 'users_not_found') throw err;
    }
    this.emailCache.set(key, { userId, until: now + 10 * (this.options.ttlMs ?? 60_000) });
    return userId;
  }
}
