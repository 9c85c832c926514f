import type { webApi } from '@slack/bolt';
import type { StepFile } from '../operations/runbook';
import { escapeMrkdwn } from '../util/text';

/**
 * Shares files in a thread with Slack's upload flow v2 (files.getUploadURLExternal, POST of the bytes to
 * the returned URL, files.completeUploadExternal with channel_id and thread_ts), through the WebClient.
 * Rejects with Slack's error code (or the transport error) when any part fails.
 */
export async function uploadFilesToThread(client: webApi.WebClient, channel: string, threadTs: string, files: StepFile[]): Promise<void> {
  for (const f of files) {
    await client.filesUploadV2({
      channel_id: channel,
      thread_ts: threadTs,
      file: f.content,
      filename: f.filename,
      title: f.title,
      ...(f.altText ? { alt_text: f.altText } : {}),
    });
  }
}

/** Why an upload failed, in a few words for the thread (Slack's error code when there is one). */
export function explainUploadError(err: unknown): string {
  const data = (err as { data?: { error?: string } }).data;
  if (data?.error === 'not_in_channel' || data?.error === 'channel_not_found') return 'I am not a member of this channel';
  if (data?.error === 'missing_scope') return 'the app lacks the `files:write` scope (reinstall it with the current manifest)';
  if (data?.error) return `Slack answered \`${escapeMrkdwn(data.error)}\``;
  return err instanceof Error ? escapeMrkdwn(err.message.replace(/\s+/g, ' ').slice(0, 200)) : 'unknown error';
}
