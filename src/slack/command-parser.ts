import { OPERATION_ID_PATTERN } from '../operations/ids';
import type { RunbookRegistry } from '../operations/runbook';
import { decodeSlackEntities, showInput } from '../util/text';

export const MAX_COMMAND_LENGTH = 500;
const HELP_USAGE = ['/runbook help [<subcommand>]'];
/** A pasted alarm post (SNS JSON, a Chatbot text) is longer than any command; Slack caps command text near 4,000. */
const MAX_EXPLAIN_LENGTH = 8000;
const ALARMS_USAGE = ['/runbook alarms explain <pasted alarm post | Slack message link>   (what the bot would do with it; acts on nothing)'];
const ONCALL_USAGE = ['/runbook oncall                (who is on call now, per configured schedule)'];
const FREEZE_USAGE = [
  '/runbook freeze                (is there a freeze?)',
  '/runbook freeze on|off <reason> (approvers only: refuse or allow new mutating operations)',
];
const EXPORT_USAGE = ['/runbook export <operation-id> (the timeline, as Markdown and JSON files in its thread)'];
const STATUS_USAGE = ['/runbook status              (recent operations)', '/runbook status <operation-id> (one operation and its audit trail)'];

export type Command =
  | { kind: 'help'; usage: string[] }
  | { kind: 'status'; operationId?: string }
  | { kind: 'oncall' }
  | { kind: 'export'; operationId: string }
  | { kind: 'freeze'; change?: { frozen: boolean; reason: string } }
  | { kind: 'runbook'; runbook: string; input: unknown }
  | { kind: 'alarms-explain'; text: string }
  | { kind: 'invalid'; error: string; usage: string[] };

/** Every usage line of what is available now. */
export function allUsage(runbooks: RunbookRegistry): string[] {
  return [
    ...HELP_USAGE,
    ...[...runbooks.values()].flatMap((r) => r.usage.map((u) => (r.unavailable ? `${u}   (not configured: see /runbook help ${r.name})` : u))),
    ...ALARMS_USAGE,
    ...STATUS_USAGE,
    ...ONCALL_USAGE,
    ...FREEZE_USAGE,
    ...EXPORT_USAGE,
  ];
}

function usageOf(sub: string, runbooks: RunbookRegistry): string[] | undefined {
  if (sub === 'help') return HELP_USAGE;
  if (sub === 'status') return STATUS_USAGE;
  if (sub === 'alarms') return ALARMS_USAGE;
  if (sub === 'oncall') return ONCALL_USAGE;
  if (sub === 'freeze') return FREEZE_USAGE;
  if (sub === 'export') return EXPORT_USAGE;
  const runbook = runbooks.get(sub);
  return runbook?.help ?? runbook?.usage;
}

/** Parses the text of `/runbook ...`. Anything that does not parse becomes `invalid`, never a guess. */
export function parseCommand(rawText: string, runbooks: RunbookRegistry): Command {
  const usage = allUsage(runbooks);
  const explain = parseAlarmsExplain(rawText);
  if (explain) return explain;
  if (rawText.length > MAX_COMMAND_LENGTH) {
    return {
      kind: 'invalid',
      error: `That command is too long: commands are at most ${MAX_COMMAND_LENGTH} characters, this one has ${rawText.length}.`,
      usage,
    };
  }
  // Slack escapes &, < and > in the text it sends; parse what the person typed.
  const text = decodeSlackEntities(rawText);
  const words = text.trim().split(/\s+/u).filter(Boolean);
  const [first, ...args] = words;
  if (first === undefined) return { kind: 'invalid', error: 'No subcommand given: tell me what to do.', usage };
  const sub = first.toLowerCase();

  if (sub === 'help') {
    const topic = args[0]?.toLowerCase();
    if (topic === undefined) return { kind: 'help', usage };
    const specific = usageOf(topic, runbooks);
    if (!specific) return { kind: 'invalid', error: `There is no help topic ${showInput(args[0]!)}.`, usage };
    return { kind: 'help', usage: specific };
  }
  if (sub === 'status') {
    if (args.length === 0) return { kind: 'status' };
    const [id, ...extra] = args;
    if (extra.length > 0) return { kind: 'invalid', error: `Unexpected words after the operation id: ${showInput(extra.join(' '))}.`, usage: STATUS_USAGE };
    if (!OPERATION_ID_PATTERN.test(id!.toLowerCase())) {
      return { kind: 'invalid', error: `${showInput(id!)} is not an operation id (they look like \`op-7k2m9xq4\`).`, usage: STATUS_USAGE };
    }
    return { kind: 'status', operationId: id!.toLowerCase() };
  }
  if (sub === 'oncall') {
    return args.length === 0
      ? { kind: 'oncall' }
      : { kind: 'invalid', error: `\`oncall\` takes no arguments, got ${showInput(args.join(' '))}.`, usage: ONCALL_USAGE };
  }
  if (sub === 'freeze') return parseFreeze(args);
  if (sub === 'export') {
    const [id, ...extra] = args;
    if (id === undefined || extra.length > 0 || !OPERATION_ID_PATTERN.test(id.toLowerCase())) {
      return { kind: 'invalid', error: 'Give exactly one operation id (they look like `op-7k2m9xq4`).', usage: EXPORT_USAGE };
    }
    return { kind: 'export', operationId: id.toLowerCase() };
  }
  const runbook = runbooks.get(sub);
  if (runbook) {
    const parsed = runbook.parse(args);
    return parsed.ok ? { kind: 'runbook', runbook: runbook.name, input: parsed.value } : { kind: 'invalid', error: parsed.error, usage: runbook.usage };
  }
  return { kind: 'invalid', error: `Unknown subcommand ${showInput(first)}.`, usage };
}

/** `alarms explain <anything>`: the rest of the text is kept as typed (newlines included), for the alarm parsers. */
function parseAlarmsExplain(rawText: string): Command | undefined {
  const text = decodeSlackEntities(rawText).replace(/^\s+/, '');
  const [first, second] = text.split(/\s+/, 2);
  if (first?.toLowerCase() !== 'alarms') return undefined;
  if (second?.toLowerCase() !== 'explain')
    return { kind: 'invalid', error: second ? `Unknown alarms command ${showInput(second)}.` : 'Say what to do: `alarms explain`.', usage: ALARMS_USAGE };
  if (rawText.length > MAX_EXPLAIN_LENGTH)
    return { kind: 'invalid', error: `That post is too long to explain: at most ${MAX_EXPLAIN_LENGTH} characters.`, usage: ALARMS_USAGE };
  const rest = text.slice(text.toLowerCase().indexOf('explain') + 'explain'.length);
  return { kind: 'alarms-explain', text: rest };
}

/** `freeze`, or `freeze on|off <reason>`: a reason is required, so the audit says why. */
function parseFreeze(args: string[]): Command {
  if (args.length === 0) return { kind: 'freeze' };
  const [mode, ...reason] = args;
  const frozen = mode!.toLowerCase() === 'on' ? true : mode!.toLowerCase() === 'off' ? false : undefined;
  if (frozen === undefined) return { kind: 'invalid', error: `${showInput(mode!)} is neither \`on\` nor \`off\`.`, usage: FREEZE_USAGE };
  const text = reason.join(' ').trim();
  if (text.length === 0)
    return {
      kind: 'invalid',
      error: 'Say why: `/runbook freeze on|off <reason>` (the reason is shown to everyone refused and kept in the record).',
      usage: FREEZE_USAGE,
    };
  return { kind: 'freeze', change: { frozen, reason: text.slice(0, 300) } };
}
