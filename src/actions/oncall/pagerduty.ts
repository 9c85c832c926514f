import { z } from 'zod';
import type { OnCallSchedule } from '../../config-file/approval-policies';
import { BackendError } from '../http/errors';
import { BackendClient } from '../http/backend-client';
import type { OnCallPerson, OnCallProvider } from './provider';

/**
 * `GET /oncalls` of PagerDuty's REST API v2 (https://developer.pagerduty.com/api-reference/, "List all of
 * the on-calls"): `oncalls[]` with `user` (a full user with `email` when `include[]=users`), `schedule`,
 * `escalation_policy`, `escalation_level`; classic pagination with `limit`, `offset` and `more`.
 */
const OnCallsPage = z.object({
  oncalls: z.array(
    z.object({
      user: z.object({ id: z.string(), summary: z.string().optional(), name: z.string().optional(), email: z.string().optional() }),
      escalation_level: z.number().int().optional(),
    }),
  ),
  limit: z.number().int(),
  offset: z.number().int(),
  more: z.boolean(),
});

const PAGE = 100;
const MAX_PAGES = 10;

/** PagerDuty on-calls by schedule or escalation policy, with a deadline per request. */
export class PagerDutyOnCall implements OnCallProvider {
  private readonly baseUrl: string;
  private readonly http: BackendClient;
  constructor(baseUrl: string, token: string, timeoutMs = 10_000) {
    this.baseUrl = baseUrl.replace(/\/+$/, '');
    this.http = new BackendClient({ backend: 'PagerDuty', timeoutMs, auth: () => ({ authorization: `Token token=${token}` }) });
  }

  async onCallNow(schedule: OnCallSchedule, signal?: AbortSignal): Promise<OnCallPerson[]> {
    if (schedule.provider !== 'pagerduty') throw new Error(`${schedule.name} is not a PagerDuty schedule`);
    const people = new Map<string, OnCallPerson>();
    for (let page = 0; page < MAX_PAGES; page++) {
      const query = new URLSearchParams();
      if (schedule.schedule) query.append('schedule_ids[]', schedule.schedule);
      if (schedule.escalationPolicy) query.append('escalation_policy_ids[]', schedule.escalationPolicy);
      query.append('include[]', 'users');
      query.set('limit', String(PAGE));
      query.set('offset', String(page * PAGE));
      const res = await this.http.json(
        { url: `${this.baseUrl}/oncalls?${query.toString()}`, accept: 'application/vnd.pagerduty+json;version=2', signal },
        OnCallsPage,
      );
      for (const oncall of res.oncalls) {
        // Without an e-mail the person cannot be matched to a Slack user: say so rather than skip them.
        if (!oncall.user.email)
          throw new BackendError('PagerDuty', 'http_status', `PagerDuty did not give the e-mail of on-call user ${oncall.user.id} (include[]=users was sent).`);
        people.set(oncall.user.email.toLowerCase(), { name: oncall.user.name ?? oncall.user.summary, email: oncall.user.email });
      }
      if (!res.more) return [...people.values()];
    }
    throw new BackendError('PagerDuty', 'http_status', `PagerDuty kept paginating ${schedule.name} beyond ${MAX_PAGES * PAGE} on-call entries.`);
  }
}
