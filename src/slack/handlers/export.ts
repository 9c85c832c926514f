import type { App, webApi } from '@slack/bolt';
import { checkApproval } from '../../operations/approval-gate';
import type { ApprovalPolicy } from '../../operations/policy';
import { onClick, tellClicker } from './click';
import type { Logger } from 'pino';
import { z } from 'zod';
import { OPERATION_ID_PATTERN } from '../../operations/ids';
import { buildTimeline } from '../../operations/timeline';
import type { OperationStore } from '../../store/store';
import { EXPORT_ACTION } from '../blocks/operation-message';
import { explainUploadError, uploadFilesToThread } from '../upload-files';

const ExportValue = z
  .string()
  .regex(/^export\|/)
  .transform((v) => v.slice('export|'.length))
  .pipe(z.string().regex(OPERATION_ID_PATTERN));

/** Posts the operation's timeline (Markdown, and JSON for tools) as files in its thread; returns what to tell the asker. */
export async function exportTimeline(client: webApi.WebClient, store: OperationStore, operationId: string, userId: string): Promise<string> {
  const op = await store.get(operationId);
  if (!op) return `There is no operation \`${operationId}\`. \`/runbook status\` lists recent ones.`;
  const thread = op.location.threadTs ?? op.location.messageTs;
  if (!thread) return `\`${op.id}\` has no message in Slack to attach the timeline to.`;
  const { markdown, json } = buildTimeline(op, await store.auditTrail(op.id));
  try {
    await uploadFilesToThread(client, op.location.channel, thread, [
      { filename: `${op.id}-timeline.md`, title: `Timeline of ${op.id}`, content: Buffer.from(markdown) },
      { filename: `${op.id}-timeline.json`, title: `Timeline of ${op.id} (JSON)`, content: Buffer.from(json) },
    ]);
  } catch (err) {
    return `:warning: The timeline of \`${op.id}\` could not be uploaded: ${explainUploadError(err)}.`;
  }
  // Kept in the audit trail, so the App Home can link the operations whose timeline was exported.
  await store.appendAudit(op.id, [
    { actor: userId, type: 'message_posted', detail: { export: 'timeline', files: [`${op.id}-timeline.md`, `${op.id}-timeline.json`] } },
  ]);
  return `:page_facing_up: The timeline of \`${op.id}\` is in its thread (Markdown and JSON).`;
}

/** The "Export timeline" entry of a finished operation's menu: read-only, but only from the operation's own channel and workspace (the same gate). */
export function registerExportButton(app: App, deps: { store: OperationStore; logger: Logger; policy: ApprovalPolicy }): void {
  const exportEntry = { id: EXPORT_ACTION, value: ExportValue, invalid: 'This menu entry is not valid. Nothing was exported.', operationOf: (v: string) => v };
  onClick(app, deps.logger, exportEntry, async (args, click, log) => {
    const op = await deps.store.get(click.value);
    const step = op?.plan.steps[0];
    if (!op || !step) return tellClicker(args, ':warning: I do not know this operation. Nothing was exported.');
    const decision = await checkApproval(deps.policy, { role: 'check', operation: op, step, user: click.user, from: click.from });
    if (!decision.allowed) return tellClicker(args, `:no_entry: ${decision.reason} Nothing was exported.`);
    log.info('timeline export');
    await tellClicker(args, await exportTimeline(args.client, deps.store, click.value, click.user));
  });
}
