import type { webApi } from '@slack/bolt';
import { escapeMrkdwn } from '../util/text';
import type { ChannelMessage } from './message';
import { examine, type AlarmPipeline, type Examination } from './pipeline';

/** The reply to `/runbook alarms explain` (ephemeral): text plus a few sections. */
export interface Explanation {
  text: string;
  blocks: Record<string, unknown>[];
}

/** A Slack message link, read with `new URL`: `https://<team>.slack.com/archives/<channel>/p<ts>[?thread_ts=<ts>]`. */
export function parseMessageLink(raw: string): { channel: string; ts: string; threadTs?: string } | undefined {
  let url: URL;
  try {
    url = new URL(raw.replace(/^<|>$/g, '').split('|')[0]!);
  } catch {
    return undefined;
  }
  const host = url.hostname.toLowerCase();
  if (url.protocol !== 'https:' || !(host === 'slack.com' || host.endsWith('.slack.com'))) return undefined;
  const [archives, channel, p, ...rest] = url.pathname.split('/').filter(Boolean);
  if (archives !== 'archives' || !channel || !/^[CGD][A-Z0-9]{2,20}$/.test(channel) || !p || rest.length > 0 || !/^p\d{16}$/.test(p)) return undefined;
  const ts = `${p.slice(1, 11)}.${p.slice(11)}`;
  const thread = url.searchParams.get('thread_ts');
  return { channel, ts, ...(thread && /^\d{10}\.\d{6}$/.test(thread) ? { threadTs: thread } : {}) };
}

/**
 * Explains what the bot would do with a post, acting on nothing: a pasted text, or a message link
 * (fetched with conversations.history, or conversations.replies for a message inside a thread).
 */
export async function explainAlarm(input: string, deps: { pipeline: AlarmPipeline; client: webApi.WebClient }): Promise<Explanation> {
  const trimmed = input.trim();
  if (trimmed === '') return reply('Paste an alarm post after `/runbook alarms explain`, or give a message link (*Copy link* on the message).');
  let message: ChannelMessage = { channel: 'explain', ts: '0.0', text: input };
  if (!/\s/.test(trimmed) && /^<?https?:/.test(trimmed)) {
    const link = parseMessageLink(trimmed);
    if (!link) return reply('That link is not a Slack message link (it looks like `https://<workspace>.slack.com/archives/C…/p…`).');
    try {
      message = await fetchMessage(deps.client, link);
    } catch (err) {
      return reply(`:warning: Could not read that message: ${escapeMrkdwn((err as Error).message)}. I can read channels I am a member of.`);
    }
  }
  return render(await examine(message, deps.pipeline));
}

async function fetchMessage(client: webApi.WebClient, link: { channel: string; ts: string; threadTs?: string }): Promise<ChannelMessage> {
  const window = { channel: link.channel, latest: link.ts, oldest: link.ts, inclusive: true, limit: 1 };
  try {
    const res =
      link.threadTs && link.threadTs !== link.ts
        ? await client.conversations.replies({ ...window, ts: link.threadTs })
        : await client.conversations.history(window);
    const found = (res.messages ?? []).find((m) => m.ts === link.ts) as Record<string, unknown> | undefined;
    if (!found) throw new Error('no message at that link');
    return {
      channel: link.channel,
      ts: link.ts,
      text: typeof found.text === 'string' ? found.text : undefined,
      attachments: Array.isArray(found.attachments) ? found.attachments : undefined,
      blocks: Array.isArray(found.blocks) ? found.blocks : undefined,
    };
  } catch (err) {
    const code = (err as { data?: { error?: string } }).data?.error;
    throw new Error(code ? `Slack answered \`${code}\`` : (err as Error).message);
  }
}

function render(seen: Examination): Explanation {
  const e = escapeMrkdwn;
  if (!seen.posted || !seen.alarm)
    return reply(
      '*Not an alarm.* No parser recognised this post (Chatbot attachments or blocks, a plain-text CloudWatch notification, SNS JSON, an Airflow failure post, a Datomic post). The listener would ignore it.',
    );
  const a = seen.alarm;
  const lines = [`*Shape:* ${a.shape ?? 'unknown'} · *state* ${a.state}`];
  if (a.kind === 'cloudwatch') {
    lines.push(`*Alarm:* \`${e(a.name)}\`${a.region ? ` in ${a.region}` : ''}${a.account ? `, account ${a.account}` : ''}`);
    const m = a.metric;
    if (m)
      lines.push(
        `*Metric:* ${e(m.namespace ?? '?')} / ${e(m.name ?? '?')}${
          Object.keys(m.dimensions).length > 0
            ? ` · ${Object.entries(m.dimensions)
                .map(([k, v]) => `${e(k)}=${e(v)}`)
                .join(', ')}`
            : ''
        }`,
      );
    if (a.description) lines.push(`*Description:* ${e(a.description.slice(0, 300))}`);
  } else if (a.kind === 'airflow-task-failure') {
    lines.push(
      `*DAG:* \`${e(a.dagId)}\`${a.taskId ? ` · task \`${e(a.taskId)}\`` : ''}${a.runId ? ` · run \`${e(a.runId)}\`` : ''}${a.executionDate ? ` · logical date ${e(a.executionDate)}` : ''}${a.transactionId ? ` · transaction ${a.transactionId}` : ''}`,
    );
  } else lines.push(`*Datomic:* service \`${e(a.service)}\`${a.env ? `, ${e(a.env)}` : ''}${a.prototype ? `, ${e(a.prototype)}` : ''}`);
  const cw = seen.cloudwatch;
  lines.push(
    `*CloudWatch:* ${
      cw.status === 'found'
        ? `DescribeAlarms answered: ${e(cw.definition.namespace ?? '?')} / ${e(cw.definition.metricName ?? '?')}${cw.definition.state ? `, now ${cw.definition.state}` : ''}`
        : cw.status === 'not-found'
          ? 'no metric alarm of that name: routed on the post'
          : cw.status === 'unavailable'
            ? `could not be read (${e(cw.reason)}): routed on the post`
            : 'not asked (not a CloudWatch alarm)'
    }`,
  );
  const routeLines = (seen.decision?.checks ?? []).map((c) =>
    c.matched ? `:white_check_mark: \`${e(c.route)}\` (${c.origin}) matched` : `:heavy_minus_sign: \`${e(c.route)}\` (${c.origin}): ${e(c.failed ?? '')}`,
  );
  const matched = seen.decision?.matched;
  const outcome = !matched
    ? '*No route claims it:* the listener would stay silent, count it in `runbook_alarms_unrouted_total` and list it in the App Home.'
    : matched.ignore
      ? `*Ignored on purpose* by the route \`${e(matched.route)}\`: no reply.`
      : `*Would propose* \`${e(matched.runbook ?? '')}\` with input \`${e(JSON.stringify(matched.input))}\` (operations coalesce on \`${e(matched.key ?? '')}\`). Nothing was started.`;
  const text = [...lines, '', '*Routes, in order:*', ...routeLines, '', outcome].join('\n');
  return { text: text.slice(0, 3000), blocks: chunk(text).map((t) => ({ type: 'section', text: { type: 'mrkdwn', text: t } })) };
}

function chunk(text: string): string[] {
  const out: string[] = [];
  let cur = '';
  for (const line of text.split('\n')) {
    if (cur.length + line.length + 1 > 2900) {
      out.push(cur);
      cur = '';
    }
    cur += `${line}\n`;
  }
  if (cur.trim()) out.push(cur);
  return out.slice(0, 20);
}

function reply(text: string): Explanation {
  return { text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }] };
}
