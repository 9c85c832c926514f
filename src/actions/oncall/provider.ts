import type { OnCallSchedule } from '../../config-file/approval-policies';

/** One person on call now, as the provider names them. */
export interface OnCallPerson {
  name?: string;
  email: string;
}

/** Who is on call now for one schedule (or escalation policy) of one provider. */
export interface OnCallProvider {
  onCallNow(schedule: OnCallSchedule, signal?: AbortSignal): Promise<OnCallPerson[]>;
}
