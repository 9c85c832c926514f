import type { AlarmState, DatomicSelfDestruct } from './types';

const ENV = /^(prod|staging|dev|test)$/;
const PROTOTYPE = /^(s\d{1,3}|global)$/;
const SERVICE = /^[a-z][a-z0-9-]{0,62}$/;
// Text posts name the table (`prod-s3-analytics-datomic`) or say `service: analytics`.
const TABLE = /\b([a-z]+)-(?:(s\d{1,3}|global)-)?([a-z][a-z0-9-]*?)-datomic\b/;

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
  return (
    text
      .split('\n')
      .find((l) => l.trim() !== '')
      ?.trim() ?? ''
  );
}
