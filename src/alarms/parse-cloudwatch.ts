import { regionCode } from './aws-regions';
import type { AlarmState } from './types';

// CloudWatch alarm names: 1-255 characters; we keep to what real names use (no control characters, no `|`).
const NAME = /^[\w .:/#+=@,()[\]'-]{1,255}$/;
const ACCOUNT = /^\d{12}$/;
export const STATES: readonly AlarmState[] = ['ALARM', 'OK', 'INSUFFICIENT_DATA'];

/** True for a string that can be a CloudWatch alarm name. */
export function isAlarmName(v: unknown): v is string {
  return typeof v === 'string' && NAME.test(v) && v.trim() === v;
}

/** True for a 12-digit AWS account id. */
export function isAccount(v: unknown): v is string {
  return typeof v === 'string' && ACCOUNT.test(v);
}

/** `ALARM`, `OK` or `INSUFFICIENT_DATA` as written (case-insensitive), else undefined. */
export function stateOf(v: unknown): AlarmState | undefined {
  if (typeof v !== 'string') return undefined;
  const s = v.trim().toUpperCase();
  return STATES.find((x) => x === s);
}

/** What an AWS console link to a CloudWatch alarm says: the alarm name (from the fragment) and the region. */
export interface ConsoleAlarmLink {
  url: string;
  name?: string;
  region?: string;
}

/**
 * Reads a CloudWatch console link with `new URL`: `https://<region>.console.aws.amazon.com/cloudwatch/home?region=<r>#alarmsV2:alarm/<name>`
 * (also the older `#alarm:alarmFilter=ANY;name=<name>` fragment). Undefined for any other URL.
 */
export function parseConsoleAlarmLink(raw: string): ConsoleAlarmLink | undefined {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return undefined;
  }
  const host = url.hostname.toLowerCase();
  if (url.protocol !== 'https:' || !(host === 'console.aws.amazon.com' || host.endsWith('.console.aws.amazon.com'))) return undefined;
  if (!url.pathname.startsWith('/cloudwatch/')) return undefined;
  const labels = host.split('.');
  const region = regionCode(url.searchParams.get('region') ?? undefined) ?? (labels.length === 5 ? regionCode(labels[0]) : undefined);
  const link: ConsoleAlarmLink = { url: url.href };
  if (region) link.region = region;
  const name = alarmNameOfFragment(url.hash.slice(1));
  if (name) link.name = name;
  return link;
}

function alarmNameOfFragment(fragment: string): string | undefined {
  let f: string;
  try {
    f = decodeURIComponent(fragment);
  } catch {
    return undefined;
  }
  let name: string | undefined;
  const v2 = 'alarmsV2:alarm/';
  if (f.startsWith(v2)) name = f.slice(v2.length).split('?')[0];
  else if (f.startsWith('alarm:'))
    name = f
      .slice('alarm:'.length)
      .split(';')
      .find((p) => p.startsWith('name='))
      ?.slice('name='.length);
  return isAlarmName(name) ? name : undefined;
}
