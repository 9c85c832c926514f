import type { AlarmState, CloudWatchAlarm, DatomicSelfDestruct } from './types';

const ENV = /^(prod|staging|dev|test)$/;
const PROTOTYPE = /^(s\d{1,3}|global)$/;
const SERVICE = /^[a-z][a-z0-9-]{0,62}$/;
// Alarm names follow the table naming scheme: `<env>-[<prototype>-]<service>-datomic-self-destruct(s)`.
const ALARM_NAME = /^([a-z]+)-(?:(s\d{1,3}|global)-)?([a-z][a-z0-9-]*?)-datomic-self-?destructs?$/i;
// Text posts name the table (`prod-s3-analytics-datomic`) or say `service: analytics`.
const TABLE = /\b([a-z]+)-(?:(s\d{1,3}|global)-)?([a-z][a-z0-9-]*?)-datomic\b/;

/** A Datomic self-destruct named by a CloudWatch alarm (`prod-s3-analytics-datomic-self-destruct`), or undefined. */
export function datomicFromCloudWatch(alarm: CloudWatchAlarm): DatomicSelfDestruct | undefined {
  const m = ALARM_NAME.exec(alarm.name);
  if (m) return build(m[3], alarm.state, m[1], m[2], alarm.reason);
  // The transactor's own metric (namespace Datomic, metric Alarm*) carries the service in a dimension.
  if (alarm.metric?.namespace?.toLowerCase() === 'datomic' && /self-?destruct/i.test(`${alarm.name} ${alarm.metric.name ?? ''}`)) {
    const d = alarm.metric.dimensions;
    return build(d.Service ?? d.service, alarm.state, d.Env ?? d.env, d.Prototype ?? d.prototype, alarm.reason);
  }
  return undefined;
}

/** A Datomic self-destruct described in free text (a transactor or monitoring post), or undefined. */
export function parseDatomicText(text: string): DatomicSelfDestruct | undefined {
  if (!/datomic/i.test(text) || !/self[- ]?destruct/i.test(text)) return undefined;
  const field = (name: string): string | undefined => new RegExp(`\\b${name}\\b\\*?\\s*[:=]\\s*\\*?\`?([a-z0-9-]+)`, 'i').exec(text)?.[1]?.toLowerCase();
  const table = TABLE.exec(text.toLowerCase());
  const service = field('service') ?? table?.[3];
  const recovered = /\b(resolved|recovered|back to normal)\b/i.test(text) || /\bOK\b/.test(text);
  const state: AlarmState = recovered && !/\bALARM\b/.test(text) ? 'OK' : 'ALARM';
  return build(service, state, field('env') ?? table?.[1], field('prototype') ?? table?.[2], firstLine(text));
}

function build(service: string | undefined, state: AlarmState, env?: string, prototype?: string, reason?: string): DatomicSelfDestruct | undefined {
  const svc = service?.toLowerCase();
  if (!svc || !SERVICE.test(svc)) return undefined;
  const alarm: DatomicSelfDestruct = { kind: 'datomic-self-destruct', service: svc, state };
  const e = env?.toLowerCase();
  const p = prototype?.toLowerCase();
  if (e && ENV.test(e)) alarm.env = e;
  if (p && PROTOTYPE.test(p)) alarm.prototype = p;
  if (reason) alarm.reason = reason.slice(0, 500);
  return alarm;
}

function firstLine(text: string): string {
  return text.split('\n').find((l) => l.trim() !== '')?.trim() ?? '';
}
