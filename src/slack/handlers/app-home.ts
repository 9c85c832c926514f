import type { App } from '@slack/bolt';
import type { Logger } from 'pino';
import { checkApproval } from '../../operations/approval-gate';
import type { ApprovalPolicy } from '../../operations/policy';
import type { Operation } from '../../operations/types';
import type { OperationStore } from '../../store/store';
import type { UnroutedAlarms } from '../../alarms/unrouted';
import { renderAppHome, type AppHomeContent } from '../blocks/app-home';

const RECENT = 10;

/** What `userId` should see: approvals they may give (as the approval policy decides), their own pending requests, recent operations. */
export async function appHomeContent(
  deps: { store: OperationStore; policy: ApprovalPolicy; unrouted?: UnroutedAlarms },
  userId: string,
): Promise<AppHomeContent> {
  const [pending, recent] = await Promise.all([deps.store.listByState(['awaiting_approval']), deps.store.listRecent(RECENT)]);
  const toApprove: Operation[] = [];
  for (const op of pending) {
    const step = op.plan.steps[op.currentStep];
    if (step && (await checkApproval(deps.policy, { role: 'approve', operation: op, step, user: userId, from: 'listing' })).allowed) toApprove.push(op);
  }
  // Timelines exported recently (kept in the audit trail by the export), linked from the Home tab.
  const exported: AppHomeContent['exported'] = [];
  for (const op of recent) {
    const entry = (await deps.store.auditTrail(op.id)).filter((a) => a.detail.export === 'timeline').at(-1);
    if (entry) exported.push({ op, at: entry.at });
  }
  return {
    toApprove,
    mine: pending.filter((op) => op.requester === userId),
    recent,
    exported,
    ...(deps.unrouted ? { unrouted: deps.unrouted.recent(RECENT) } : {}),
  };
}

/** Publishes the Home tab each time someone opens it. */
export function registerAppHome(app: App, deps: { store: OperationStore; policy: ApprovalPolicy; logger: Logger; unrouted?: UnroutedAlarms }): void {
  app.event('app_home_opened', async ({ event, client }) => {
    // The same event fires for the Messages tab; only Home has a view to publish.
    if (event.tab !== 'home') return;
    const log = deps.logger.child({ user: event.user, event: 'app_home_opened' });
    try {
      await client.views.publish({ user_id: event.user, view: renderAppHome(await appHomeContent(deps, event.user)) });
    } catch (err) {
      log.warn({ err }, 'could not publish the App Home');
    }
  });
}
