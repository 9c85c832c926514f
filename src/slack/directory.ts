import type { webApi } from '@slack/bolt';
import type { ApproverDirectory } from '../operations/policy';

/** User group membership from Slack (`usergroups.users.list`), cached briefly. */
export class SlackDirectory implements ApproverDirectory {
  private readonly cache = new Map<string, { users: string[]; until: number }>();

  constructor(
    private readonly client: webApi.WebClient,
    private readonly ttlMs = 60_000,
  ) {}

  async groupMembers(groupId: string): Promise<string[]> {
    const hit = this.cache.get(groupId);
    if (hit && hit.until > Date.now()) return hit.users;
    const res = await this.client.usergroups.users.list({ usergroup: groupId });
    const users = res.users ?? [];
    this.cache.set(groupId, { users, until: Date.now() + this.ttlMs });
    return users;
  }
}
