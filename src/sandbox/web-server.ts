import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { RunningBackend } from './backends';
import type { EmulatedMessage, SlackEmulator } from './fakes/slack-api';
import { blockActionBody, eventBody, signedHeaders, slashCommandBody, type ActionContainer, type SandboxUser } from './slack-requests';
import { json, readBody, serveStatic, tryJson } from './web-http';
import { PageError, sandboxModals } from './web-modals';
import { playTour, type TourState } from './web-tour';

export interface SandboxServerOptions {
  port: number;
  botEventsUrl: string;
  botUrl: string;
  signingSecret: string;
  slack: SlackEmulator;
  backends: Map<string, RunningBackend>;
  users: SandboxUser[];
  channel: { id: string; name: string };
  logger: Logger;
  /** Resolves when the bot has finished what it started (between tour steps). */
  idle: () => Promise<void>;
  /** Pause after each tour step, so people can read it (default 2.5 s). */
  tourPauseMs?: number;
  /** Who posted messages that are not the bot's, by ts (seeded posts); alarm posts are added here. */
  authors?: Map<string, string>;
}

export interface SandboxServer {
  url: string;
  server: Server;
  close(): Promise<void>;
}

/** Something only one person sees (an ephemeral message, a response_url reply, an ack with a body). */
interface PrivateNote {
  seq: number;
  user: string;
  text: string;
  blocks?: unknown[];
  /** The ephemeral message's ts, when Slack gave it one (chat.postEphemeral). */
  ts?: string;
}

/** The page and its JSON API on 127.0.0.1: every action becomes a request signed as Slack signs it. */
export async function startSandboxServer(opts: SandboxServerOptions): Promise<SandboxServer> {
  const { slack, users, channel } = opts;
  const userIds = users.map((u) => u.id) as [string, ...string[]];
  const UserId = z.enum(userIds);
  const CommandRequest = z.object({ user: UserId, text: z.string().trim().min(1).max(2000) });
  // `kind` says where the element was drawn: a channel message or thread reply (by ts), a private note (by its
  // number on the page) or the Home tab; `selected` is the option picked from a select or overflow menu.
  const ClickRequest = z.object({
    user: UserId,
    kind: z.enum(['message', 'note', 'home']).default('message'),
    ts: z
      .string()
      .regex(/^\d+(\.\d+)?$/)
      .optional(),
    actionId: z.string().regex(/^[\w.:-]{1,255}$/),
    selected: z.string().max(2000).optional(),
  });
  const HomeRequest = z.object({ user: UserId });
  const AlarmRequest = z.object({ backend: z.string().max(40), index: z.number().int().min(0) });

  const tour: TourState = { running: false, step: 0, total: 0 };
  const responseUrlOwners = new Map<string, string>();
  const notes: PrivateNote[] = [];
  const seen = new WeakMap<object, number>();
  let seq = 0;
  const stamp = (o: object): number => {
    if (!seen.has(o)) seen.set(o, (seq += 1));
    return seen.get(o)!;
  };
  const userOf = (id: string): SandboxUser => users.find((u) => u.id === id)!;

  const toBot = async (body: string): Promise<{ status: number; body: string }> => {
    const res = await fetch(opts.botEventsUrl, { method: 'POST', headers: signedHeaders(opts.signingSecret, body), body });
    return { status: res.status, body: await res.text() };
  };
  const modals = sandboxModals(slack, users, toBot);
  /** Sends `body` for `user`: a view the bot opens with its trigger_id shows on their page. */
  const asUser = (body: string, user: string): Promise<{ status: number; body: string }> => {
    modals.noteTrigger(body, user);
    return toBot(body);
  };
  const newResponseUrl = (user: string): string => {
    const url = slack.newResponseUrl();
    responseUrlOwners.set(url, user);
    return url;
  };

  const authors = opts.authors ?? new Map<string, string>();
  const view = (m: EmulatedMessage) => ({ ts: m.ts, text: m.text, blocks: m.blocks ?? [], edits: m.updates, author: authors.get(m.ts) });
  // Posts that were in the channel before the sandbox started; a tour keeps them (one names a transaction).
  const seeded = new Set(authors.keys());
  // What the page shows starts here: a tour hides what earlier use left (the emulator keeps it, since the bot
  // may still update those messages), so it starts from the channel as the sandbox started.
  const shownFrom = { message: 0, seq: 0 };
  const resetView = (): void => {
    shownFrom.message = slack.messages.length;
    notesOf(users[0]!.id);
    shownFrom.seq = seq;
  };
  /** Posts `text` into the channel as `user` (or an integration) and tells the bot, as Slack's Events API would. */
  const postAndTell = async (text: string, blocks: unknown[] | undefined, author: string, event: Record<string, unknown>): Promise<number> => {
    const posted = (await (
      await fetch(`${slack.apiUrl}chat.postMessage`, {
        method: 'POST',
        headers: { authorization: 'Bearer xoxb-sandbox-integration', 'content-type': 'application/json' },
        body: JSON.stringify({ channel: channel.id, text, blocks }),
      })
    ).json()) as { ts?: string };
    if (posted.ts) authors.set(posted.ts, author);
    const full = {
      type: 'message',
      channel: channel.id,
      channel_type: 'channel',
      text,
      ts: posted.ts,
      event_ts: posted.ts,
      ...(blocks ? { blocks } : {}),
      ...event,
    };
    return (await toBot(eventBody(full, 'UBOT'))).status;
  };
  const notesOf = (viewer: string): PrivateNote[] => {
    for (const e of slack.ephemerals) stamp(e);
    for (const r of slack.responses) stamp(r);
    return [
      ...notes.filter((n) => n.user === viewer),
      ...slack.ephemerals.filter((e) => e.user === viewer).map((e) => ({ seq: stamp(e), user: e.user, text: e.text, blocks: e.blocks, ts: e.message_ts })),
      ...slack.responses
        .filter((r) => responseUrlOwners.get(r.url) === viewer)
        .map((r) => ({
          seq: stamp(r),
          user: viewer,
          text: typeof r.body.text === 'string' ? r.body.text : '',
          blocks: Array.isArray(r.body.blocks) ? r.body.blocks : undefined,
        })),
    ].sort((a, b) => b.seq - a.seq);
  };
  const state = (viewer: string) => {
    const privateNotes = notesOf(viewer).filter((n) => n.seq > shownFrom.seq);
    return {
      channel,
      users,
      botUrl: opts.botUrl,
      messages: slack
        .topLevel(channel.id)
        .filter((m) => seeded.has(m.ts) || slack.messages.indexOf(m) >= shownFrom.message)
        .map((m) => ({
          ...view(m),
          replies: slack.threadReplies(channel.id, m.ts).map(view),
          // Files shared into the thread (e.g. the Datomic capacity chart), served by /api/file.
          files: slack.files
            .filter((f) => f.channel === channel.id && f.thread_ts === m.ts)
            .map((f) => ({ id: f.id, name: f.filename, title: f.title ?? f.filename, image: /\.png$/i.test(f.filename) })),
        })),
      privateNotes: privateNotes.slice(0, 20),
      home: slack.homeViews.get(viewer) ?? null,
      modal: modals.modalOf(viewer),
      backends: Object.fromEntries([...opts.backends].map(([name, b]) => [name, b.state()])),
      examples: [...opts.backends.values()].flatMap((b) => b.examples),
      tour,
      alarms: [...opts.backends].flatMap(([name, b]) => (b.alarms ?? []).map((a, index) => ({ backend: name, index, label: a.label }))),
    };
  };

  /** What Slack would name as the container of a click: the message (thread replies too), the private note or the Home tab. */
  const containerOf = (kind: 'message' | 'note' | 'home', user: string, ref: string | undefined): ActionContainer | undefined => {
    const asBlocks = (b: unknown): Record<string, unknown>[] =>
      Array.isArray(b) ? b.filter((x): x is Record<string, unknown> => typeof x === 'object' && x !== null) : [];
    if (kind === 'home') {
      const home = slack.homeViews.get(user);
      return home ? { type: 'view', view: { ...home, id: `V${user}`, type: 'home', blocks: asBlocks(home.blocks) } } : undefined;
    }
    if (kind === 'note') {
      const note = notesOf(user).find((n) => String(n.seq) === ref);
      return note
        ? {
            type: 'ephemeral',
            channel: channel.id,
            channelName: channel.name,
            ts: note.ts ?? `${Math.floor(Date.now() / 1000)}.${String(note.seq).padStart(6, '0')}`,
            blocks: asBlocks(note.blocks),
          }
        : undefined;
    }
    const m = ref ? slack.message(channel.id, ref) : undefined;
    return m
      ? { type: 'message', channel: m.channel, channelName: channel.name, ts: m.ts, text: m.text, blocks: m.blocks ?? [], threadTs: m.thread_ts }
      : undefined;
  };

  const api: Record<string, (body: unknown) => Promise<unknown>> = {
    tour() {
      if (tour.running) return Promise.resolve({ error: 'The tour is already playing.' });
      Object.assign(tour, { running: true, step: 0, as: undefined, error: undefined });
      resetView();
      const deps = { slack, backends: opts.backends, channelId: channel.id, idle: opts.idle, pauseMs: opts.tourPauseMs ?? 2500 };
      void playTour(tour, { ...deps, command: api.command!, click: api.click!, alarm: api.alarm! })
        .catch((err: unknown) => (tour.error = err instanceof Error ? err.message : String(err)))
        .finally(() => (tour.running = false));
      return Promise.resolve({ started: true });
    },
    async command(body) {
      const req = CommandRequest.parse(body);
      const text = req.text.replace(/^\/runbook\b\s*/, '');
      // Plain text is a message in the channel (the alarm listener hears it); only `/runbook ...` is a command.
      if (!/^\//.test(req.text)) return { status: await postAndTell(req.text, undefined, userOf(req.user).name, { user: req.user }) };
      if (!/^\/runbook\b/.test(req.text)) return { error: 'Only /runbook is installed in this sandbox.' };
      const res = await asUser(slashCommandBody(userOf(req.user), channel, text, newResponseUrl(req.user)), req.user);
      // Help and usage errors come back in the ack itself, shown only to the person who typed.
      const ack = tryJson(res.body) as { text?: string; blocks?: unknown[] } | undefined;
      if (ack?.text || ack?.blocks) notes.push({ seq: (seq += 1), user: req.user, text: ack.text ?? '', blocks: ack.blocks });
      return { status: res.status };
    },
    async click(body) {
      const req = ClickRequest.parse(body);
      const container = containerOf(req.kind, req.user, req.ts);
      const form = container && blockActionBody(userOf(req.user), container, req.actionId, newResponseUrl(req.user), 'UBOT', req.selected);
      if (!form) return { error: 'That button is no longer there.' };
      return { status: (await asUser(form, req.user)).status };
    },
    async home(body) {
      const req = HomeRequest.parse(body);
      const before = slack.callsTo('views.publish').length;
      const res = await toBot(
        eventBody({ type: 'app_home_opened', user: req.user, channel: 'D0SANDBOX', tab: 'home', event_ts: `${Date.now() / 1000}` }, 'UBOT'),
      );
      for (let i = 0; i < 60 && slack.callsTo('views.publish').length === before; i += 1) await new Promise((r) => setTimeout(r, 50));
      return { status: res.status, home: slack.homeViews.get(req.user) ?? null };
    },
    async alarm(body) {
      const req = AlarmRequest.parse(body);
      const alarm = opts.backends.get(req.backend)?.alarms?.[req.index];
      if (!alarm) return { error: 'No such sample alarm.' };
      // The integration posts into the channel (as AWS Chatbot or Airflow would), then Slack tells the bot.
      const username = alarm.username ?? 'alarms';
      return { status: await postAndTell(alarm.text, alarm.blocks, username, { subtype: 'bot_message', bot_id: alarm.botId ?? 'BALARMS', username }) };
    },
    ...modals.api,
  };

  const sockets = new Set<Socket>();
  const server = createServer((req, res) => void handle(req, res));
  server.on('connection', (s) => {
    sockets.add(s);
    s.once('close', () => sockets.delete(s));
  });
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    // Only this machine's browser: a foreign Host is DNS rebinding, and a POST without JSON could be a
    // form on another site (JSON needs a CORS preflight, which this server never grants).
    if (!/^(127\.0\.0\.1|localhost)(:\d+)?$/.test(req.headers.host ?? '')) return json(res, 403, { error: 'Open the sandbox at 127.0.0.1.' });
    if (req.method === 'POST' && !/^application\/json\b/.test(req.headers['content-type'] ?? '')) return json(res, 415, { error: 'Send JSON.' });
    try {
      if (serveStatic(req, res, url, slack)) return;
      if (req.method === 'GET' && url.pathname === '/api/state') {
        return json(res, 200, state(UserId.catch(users[0]!.id).parse(url.searchParams.get('user'))));
      }
      const action = /^\/api\/(\w+)$/.exec(url.pathname)?.[1];
      const fn = action ? api[action] : undefined;
      if (req.method === 'POST' && fn) {
        const body = await readBody(req);
        return json(res, 200, await fn(tryJson(body)));
      }
      json(res, 404, { error: 'not found' });
    } catch (err) {
      if (err instanceof PageError) return json(res, 200, { error: err.message });
      if (err instanceof z.ZodError) return json(res, 400, { error: err.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') });
      opts.logger.warn({ err }, 'sandbox page request failed');
      json(res, 500, { error: err instanceof Error ? err.message : String(err) });
    }
  };

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
      }),
  };
}
