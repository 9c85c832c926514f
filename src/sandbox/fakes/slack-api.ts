import type { IncomingMessage, ServerResponse } from 'node:http';
import { startHttpServer } from './http-server';
import { bearer, contentOf, isObject, parseArgs, str, tryJson, versionOf } from './slack-api-args';
import type { EmulatedMessage, EphemeralMessage, Json, SlackEmulator, SlackEmulatorOptions } from './slack-api-types';
import { emulateFileUploads } from './slack-files';
import { createSlackFaults } from './slack-faults';
import { emulateViews } from './slack-views';

export type {
  EmulatedMessage,
  EmulatedView,
  EphemeralMessage,
  Json,
  MessageVersion,
  ModalClient,
  RecordedCall,
  RecordedResponse,
  SlackEmulator,
  SlackEmulatorOptions,
  SubmissionOutcome,
  UploadedFile,
} from './slack-api-types';

type MethodResult = Json & { ok: boolean };

// Methods Slack serves to the app-level token (xapp-); every other method here needs the bot token (xoxb-).
const APP_TOKEN_METHODS = new Set(['apps.connections.open']);

/** Starts a loopback emulator of the Slack Web API methods runbook-bot is allowed to call. */
export async function startSlackEmulator(options: SlackEmulatorOptions = {}): Promise<SlackEmulator> {
  const botUserId = options.botUserId ?? 'UBOT';
  const botId = options.botId ?? 'BBOT';
  const teamId = options.teamId ?? 'T0001';
  const usergroups = new Map(Object.entries(options.usergroups ?? {}));
  const emails = new Map(Object.entries(options.emails ?? {}).map(([id, email]) => [email.toLowerCase(), id]));
  const channels = new Map(Object.entries(options.channels ?? { CDATAENG: 'guild-data-eng', COTHER: 'random' }));
  const modals = emulateViews(teamId);
  const uploads = emulateFileUploads(
    () => server.url,
    (problem) => emulator.unexpected.push(problem),
  );
  const failures = new Map<string, string[]>();
  const faults = createSlackFaults();
  const issuedResponseUrls = new Set<string>();
  let socketModeUrl = options.socketModeUrl;
  let tsCounter = 0;
  let responseCounter = 0;

  const nextTs = (): string => {
    tsCounter += 1;
    // Fixed epoch plus 100µs steps keeps ts unique, increasing and stable across runs.
    const micros = tsCounter * 100;
    const seconds = 1_700_000_000 + Math.floor(micros / 1_000_000);
    return `${seconds}.${String(micros % 1_000_000).padStart(6, '0')}`;
  };

  const methods: Record<string, (args: Json) => MethodResult> = {
    'auth.test': () => ({
      ok: true,
      url: 'https://runbook-test.slack.com/',
      team: 'Runbook Test',
      user: 'runbook-bot',
      team_id: teamId,
      user_id: botUserId,
      bot_id: botId,
      is_enterprise_install: false,
    }),
    'chat.postMessage': (args) => {
      const channel = str(args.channel);
      if (!channel) return { ok: false, error: 'channel_not_found' };
      const content = contentOf(args);
      if (!content.text && !content.blocks && !content.attachments) return { ok: false, error: 'no_text' };
      const msg: EmulatedMessage = { channel, ts: nextTs(), ...content, updates: 0, versions: [content] };
      const threadTs = str(args.thread_ts);
      if (threadTs) msg.thread_ts = threadTs;
      if (args.metadata !== undefined) msg.metadata = args.metadata;
      emulator.messages.push(msg);
      return { ok: true, channel, ts: msg.ts, message: wireMessage(msg) };
    },
    'chat.update': (args) => {
      const msg = emulator.message(str(args.channel) ?? '', str(args.ts) ?? '');
      if (!msg) return { ok: false, error: 'message_not_found' };
      const next = contentOf(args);
      // Like Slack, omitted blocks/attachments keep their previous value; an empty array clears them.
      if (args.text !== undefined) msg.text = next.text;
      if (next.blocks) msg.blocks = next.blocks;
      if (next.attachments) msg.attachments = next.attachments;
      msg.updates += 1;
      msg.versions.push(versionOf(msg));
      return { ok: true, channel: msg.channel, ts: msg.ts, text: msg.text, message: wireMessage(msg) };
    },
    'chat.postEphemeral': (args) => {
      const channel = str(args.channel);
      const user = str(args.user);
      if (!channel) return { ok: false, error: 'channel_not_found' };
      if (!user) return { ok: false, error: 'user_not_in_channel' };
      const content = contentOf(args);
      const eph: EphemeralMessage = { channel, user, text: content.text, message_ts: nextTs() };
      if (content.blocks) eph.blocks = content.blocks;
      const threadTs = str(args.thread_ts);
      if (threadTs) eph.thread_ts = threadTs;
      emulator.ephemerals.push(eph);
      return { ok: true, message_ts: eph.message_ts };
    },
    'apps.connections.open': () => {
      if (socketModeUrl) return { ok: true, url: socketModeUrl };
      emulator.unexpected.push('apps.connections.open: no Socket Mode URL set (setSocketModeUrl)');
      // An error @slack/socket-mode treats as unrecoverable, so the client fails at once instead of retrying.
      return { ok: false, error: 'invalid_auth' };
    },
    'views.publish': (args) => {
      const user = str(args.user_id);
      const view = args.view;
      if (!user) return { ok: false, error: 'invalid_arguments' };
      if (!isObject(view) || view.type !== 'home' || !Array.isArray(view.blocks)) return { ok: false, error: 'invalid_arguments' };
      if (view.blocks.length > 100) return { ok: false, error: 'invalid_blocks' };
      emulator.homeViews.set(user, view);
      return { ok: true, view: { id: `V${user}`, team_id: teamId, type: 'home', blocks: view.blocks } };
    },
    ...uploads.methods,
    ...modals.methods,
    'conversations.info': (args) => {
      const name = channels.get(str(args.channel) ?? '');
      return name ? { ok: true, channel: { id: str(args.channel), name, is_channel: true } } : { ok: false, error: 'channel_not_found' };
    },
    'conversations.history': (args) => {
      const channel = str(args.channel) ?? '';
      const limit = Number(str(args.limit) ?? '100');
      // Top-level messages only, newest first, as Slack returns them.
      const found = emulator.messages.filter((m) => m.channel === channel && (m.thread_ts === undefined || m.thread_ts === m.ts));
      const newest = [...found].sort((a, b) => Number(b.ts) - Number(a.ts)).slice(0, limit);
      return { ok: true, messages: newest.map(wireMessage), has_more: found.length > newest.length };
    },
    'usergroups.users.list': (args) => {
      const users = usergroups.get(str(args.usergroup) ?? '');
      return users ? { ok: true, users: [...users] } : { ok: false, error: 'no_such_subteam' };
    },
    // https://api.slack.com/methods/users.lookupByEmail: `users_not_found` when nobody has the address.
    'users.lookupByEmail': (args) => {
      const email = str(args.email);
      if (!email) return { ok: false, error: 'invalid_arguments' };
      const id = emails.get(email.toLowerCase());
      return id
        ? { ok: true, user: { id, team_id: teamId, name: email.split('@')[0]!, deleted: false, is_bot: false, profile: { email } } }
        : { ok: false, error: 'users_not_found' };
    },
  };

  const wireMessage = (msg: EmulatedMessage): Json => ({
    type: 'message',
    user: botUserId,
    bot_id: botId,
    team: teamId,
    ts: msg.ts,
    ...(msg.thread_ts ? { thread_ts: msg.thread_ts } : {}),
    ...versionOf(msg),
  });

  const handleApi = (method: string, req: IncomingMessage, body: string): MethodResult => {
    const parsed = parseArgs(req.headers['content-type'], body);
    if (!parsed) {
      emulator.unexpected.push(`${method}: unparseable body (${req.headers['content-type'] ?? 'no content-type'})`);
      return { ok: false, error: 'invalid_form_data' };
    }
    const { token: bodyToken, ...args } = parsed;
    const kind = APP_TOKEN_METHODS.has(method) ? 'xapp-' : 'xoxb-';
    const token = [bearer(req.headers.authorization), bodyToken].find((t): t is string => typeof t === 'string' && t.startsWith(kind));
    emulator.calls.push(token ? { method, args, token } : { method, args });
    if (!token) {
      emulator.unexpected.push(`${method}: no ${kind} ${kind === 'xapp-' ? 'app-level' : 'bot'} token`);
      return { ok: false, error: 'not_authed' };
    }
    const impl = methods[method];
    if (!impl) {
      emulator.unexpected.push(`${method}: unknown_method`);
      return { ok: false, error: 'unknown_method' };
    }
    const forced = failures.get(method)?.shift();
    if (forced) return { ok: false, error: forced };
    return impl(args);
  };

  const handleResponseUrl = (url: string, res: ServerResponse, body: string): void => {
    const parsed = tryJson(body);
    if (!issuedResponseUrls.has(url) || !isObject(parsed)) {
      const problem = issuedResponseUrls.has(url) ? 'non-JSON body' : 'unknown url';
      emulator.unexpected.push(`response_url POST ${url}: ${problem}`);
      res.writeHead(404, { 'content-type': 'text/html' }).end('no_response_url');
      return;
    }
    emulator.responses.push({ url, body: parsed });
    res.writeHead(200, { 'content-type': 'text/html' }).end('ok');
  };

  const server = await startHttpServer(async (req, res, body, raw) => {
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    if (await uploads.handle(path, req, res, raw)) return;
    if (req.method === 'POST' && path.startsWith('/api/')) {
      const method = path.slice('/api/'.length);
      if ((await faults.intercept(method, parseArgs(req.headers['content-type'], body) ?? {}, req, res)) !== 'continue') return;
      // Slack answers platform errors with HTTP 200; a non-200 would make WebClient retry for ~30 minutes.
      const result = handleApi(method, req, body);
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify(result));
      return;
    }
    if (req.method === 'POST' && path.startsWith('/response/')) {
      handleResponseUrl(`${server.url}${path}`, res, body);
      return;
    }
    emulator.unexpected.push(`${req.method ?? '?'} ${path}: not a Slack endpoint`);
    res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
  });

  const emulator: SlackEmulator = {
    apiUrl: `${server.url}/api/`,
    calls: [],
    messages: [],
    ephemerals: [],
    responses: [],
    homeViews: new Map(),
    modals: modals.views,
    modalClient: modals.client,
    files: uploads.files,
    unexpected: [],
    faults,
    newResponseUrl: () => {
      responseCounter += 1;
      const url = `${server.url}/response/${responseCounter}`;
      issuedResponseUrls.add(url);
      return url;
    },
    callsTo: (method) => emulator.calls.filter((c) => c.method === method),
    message: (channel, ts) => emulator.messages.find((m) => m.channel === channel && m.ts === ts),
    threadReplies: (channel, ts) => emulator.messages.filter((m) => m.channel === channel && m.thread_ts === ts && m.ts !== ts),
    topLevel: (channel) => emulator.messages.filter((m) => m.channel === channel && m.thread_ts === undefined),
    responsesTo: (url) => emulator.responses.filter((r) => r.url === url).map((r) => r.body),
    failNext: (method, error) => {
      failures.set(method, [...(failures.get(method) ?? []), error]);
    },
    setUsergroup: (id, users) => {
      usergroups.set(id, [...users]);
    },
    setEmail: (userId, email) => {
      emails.set(email.toLowerCase(), userId);
    },
    setSocketModeUrl: (url) => {
      socketModeUrl = url;
    },
    assertNoUnexpected: () => {
      if (emulator.unexpected.length > 0) {
        throw new Error(`Slack emulator saw unexpected requests:\n  ${emulator.unexpected.join('\n  ')}`);
      }
    },
    close: () => {
      faults.clear();
      return server.close();
    },
  };
  return emulator;
}
