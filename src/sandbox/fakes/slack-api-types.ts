// The Slack emulator's public shapes (what tests and the sandbox read back), apart from its methods in slack-api.ts.
import type { SlackFaults } from './slack-faults';
import type { UploadedFile } from './slack-files';
import type { EmulatedView, ModalClient } from './slack-views';

export type { UploadedFile } from './slack-files';
export type { EmulatedView, ModalClient, SubmissionOutcome } from './slack-views';

/** A JSON object as the emulator stores it. */
export type Json = Record<string, unknown>;

/** One recorded Web API call; `token` (of the kind the method needs) is lifted out of `args` wherever it was sent. */
export interface RecordedCall {
  method: string;
  args: Json;
  token?: string;
}

/** The content of one version of a message (the original post, then each chat.update). */
export interface MessageVersion {
  text: string;
  blocks?: Json[];
  attachments?: Json[];
}

/** A message posted to a channel through chat.postMessage. */
export interface EmulatedMessage {
  channel: string;
  ts: string;
  thread_ts?: string;
  text: string;
  blocks?: Json[];
  attachments?: Json[];
  metadata?: unknown;
  /** How many successful chat.update calls touched this message. */
  updates: number;
  /** Every version in order; `versions[0]` is what was first posted. */
  versions: MessageVersion[];
}

/** A message posted through chat.postEphemeral. */
export interface EphemeralMessage {
  channel: string;
  user: string;
  text: string;
  blocks?: Json[];
  thread_ts?: string;
  message_ts: string;
}

/** A POST received on a response_url handed out by newResponseUrl(). */
export interface RecordedResponse {
  url: string;
  body: Json;
}

/** Options for startSlackEmulator. */
export interface SlackEmulatorOptions {
  botUserId?: string;
  botId?: string;
  teamId?: string;
  usergroups?: Record<string, string[]>;
  /** Workspace members' e-mail addresses by user id, for users.lookupByEmail. */
  emails?: Record<string, string>;
  /** What apps.connections.open answers as `url` (see setSocketModeUrl). */
  socketModeUrl?: string;
  /** Channel names by id for conversations.info (default: CDATAENG is #guild-data-eng, COTHER is #random). */
  channels?: Record<string, string>;
}

/** A running Slack Web API emulator. */
export interface SlackEmulator {
  /** Pass as `clientOptions.slackApiUrl`; ends with `/api/`. */
  apiUrl: string;
  calls: RecordedCall[];
  messages: EmulatedMessage[];
  ephemerals: EphemeralMessage[];
  responses: RecordedResponse[];
  /** The Home tab view last published for each user (views.publish). */
  homeViews: Map<string, Json>;
  /** Modals opened with views.open/views.push, by view id, as last updated (slack-views.ts). */
  modals: Map<string, EmulatedView>;
  /** What Slack's client does to modals: answers to submissions, closing (the sandbox page drives it). */
  modalClient: ModalClient;
  /** Files shared with files upload v2 (./slack-files.ts). */
  files: UploadedFile[];
  unexpected: string[];
  /** Hangs, HTTP errors (500, 429 with Retry-After) and an optional rate-limit mode, per method. */
  faults: SlackFaults;
  newResponseUrl(): string;
  callsTo(method: string): RecordedCall[];
  message(channel: string, ts: string): EmulatedMessage | undefined;
  threadReplies(channel: string, ts: string): EmulatedMessage[];
  topLevel(channel: string): EmulatedMessage[];
  responsesTo(url: string): Json[];
  failNext(method: string, error: string): void;
  setUsergroup(id: string, users: string[]): void;
  /** Gives a user an e-mail address (users.lookupByEmail finds them by it). */
  setEmail(userId: string, email: string): void;
  /** Points apps.connections.open at a Socket Mode server (e.g. startSocketModeServer().url). */
  setSocketModeUrl(url: string): void;
  assertNoUnexpected(): void;
  close(): Promise<void>;
}
