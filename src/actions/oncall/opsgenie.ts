import { z } from 'zod';
import type { OnCallSchedule } from '../../config-file/approval-policies';
import { pathSegment } from '../http/path-segment';
import { BackendClient } from '../http/backend-client';
import type { OnCallPerson, OnCallProvider } from './provider';

/**
 * Opsgenie's Who-is-on-call API (https://docs.opsgenie.com/docs/who-is-on-call-api): `GET
 * /v2/schedules/{identifier}/on-calls?scheduleIdentifierType=id|name&flat=true` answers
 * `{ data: { _parent: { id, name, enabled }, onCallRecipients: [usernames] }, took, requestId }`;
 * Opsgenie usernames are the users' e-mail addresses.
 */
const OnCallsResponse = z.object({
  data: z.object({
    _parent: z.object({ id: z.string(), name: z.string() }).loose(),
    onCallRecipients: z.array(z.string()),
  }),
  requestId: z.string().optional(),
});

/** Opsgenie on-call recipients of one schedule, with a deadline per request. */
export class OpsgenieOnCall implements OnCallProvider {
  private readonly baseUrl: string;
  private readonly http: BackendClient;
  constructor(baseUrl: string, apiKey: string, timeoutMs = 10_000) {
    this.baseUrl = baseUrl.replace(/\/+$/, '');
    this.http = new BackendClient({ backend: 'Opsgenie', timeoutMs, auth: () => ({ authorization: `GenieKey ${apiKey}` }) });
  }

  async onCallNow(schedule: OnCallSchedule, signal?: AbortSignal): Promise<OnCallPerson[]> {
    if (schedule.provider !== 'opsgenie') throw new Error(`${schedule.name} is not an Opsgenie schedule`);
    const query = new URLSearchParams({ scheduleIdentifierType: schedule.identifierType, flat: 'true' });
    const url = `${this.baseUrl}/v2/schedules/${pathSegment('Opsgenie', 'schedule', schedule.schedule)}/on-calls?${query.toString()}`;
    const res = await this.http.json({ url, signal }, OnCallsResponse);
    return res.data.onCallRecipients.map((email) => ({ email }));
  }
}
