import { linksOf, plain } from './message';
import { isAlarmName, parseConsoleAlarmLink, stateOf } from './parse-cloudwatch';
import type { CloudWatchAlarm } from './types';

const LEAD = 'The alarm ';
const VERB = ' changed state to ';

/**
 * A plain-text CloudWatch notification: `The alarm <name> changed state to ALARM: Threshold Crossed: ...`
 * with a console link. The sentence gives the name and the state; the link (read with `new URL`) gives the
 * region and, in its fragment, the name again, which must agree. Undefined for anything else.
 */
export function parseCloudWatchText(texts: string[]): CloudWatchAlarm | 'contradiction' | undefined {
  for (const raw of texts) {
    // A linked name (`<url|name>`) reads as its label; the URL is read from the links below.
    const text = plain(raw.replace(/<https?:[^|>]*\|([^>]*)>/g, '$1'));
    const lead = text.indexOf(LEAD);
    if (lead < 0) continue;
    const verb = text.indexOf(VERB, lead);
    if (verb < 0 || verb - lead > 300) continue;
    const name = unquote(
      text
        .slice(lead + LEAD.length, verb)
        .replace(/\*/g, '')
        .trim(),
    );
    const tail = text.slice(verb + VERB.length);
    const stateWord = tail.split(/[\s:.,]/)[0]!.replace(/\*/g, '');
    const state = stateOf(stateWord);
    if (!isAlarmName(name) || !state || stateWord !== state) continue;
    const links = linksOf(texts)
      .map(parseConsoleAlarmLink)
      .filter((l) => l !== undefined);
    // A console link naming another alarm is a contradiction: refuse rather than pick one.
    if (links.some((l) => l.name !== undefined && l.name !== name)) return 'contradiction';
    const alarm: CloudWatchAlarm = { kind: 'cloudwatch', name, state };
    const region = links.find((l) => l.region)?.region;
    if (region) alarm.region = region;
    const afterState = tail.slice(stateWord.length).replace(/^[:\s]+/, '');
    const reason = afterState.split('\n')[0]!.trim();
    if (reason) alarm.reason = reason.slice(0, 1000);
    return alarm;
  }
  return undefined;
}

function unquote(s: string): string {
  const pairs: [string, string][] = [
    ['"', '"'],
    ['\u201c', '\u201d'],
    ["'", "'"],
    ['`', '`'],
  ];
  for (const [open, close] of pairs) if (s.length >= 2 && s.startsWith(open) && s.endsWith(close)) return s.slice(1, -1);
  return s;
}
