// Which Slack listeners the bot has, apart from building the app and its receiver (bot.ts): adding a
// feature's handlers is a change here only.
import type { App } from '@slack/bolt';
import type { Logger } from 'pino';
import type { UnroutedAlarms } from '../alarms/unrouted';
import type { Admission } from '../operations/admission';
import type { OperationEngine } from '../operations/engine';
import type { ApprovalPolicy } from '../operations/policy';
import type { RunbookRegistry } from '../operations/runbook';
import type { OperationStore } from '../store/store';
import { registerDeliveryDedup } from './delivery-keys';
import type { FormLookups } from './forms/lookups';
import { registerRunbookForm } from './forms/register';
import { registerOperationButtons } from './handlers/actions';
import { registerAlarmOfferButton } from './handlers/alarm-offer';
import { registerAppHome } from './handlers/app-home';
import { registerRunbookCommand, type CommandDeps } from './handlers/command';
import { registerConfirmButton } from './handlers/confirm';
import { registerExportButton } from './handlers/export';
import { registerPlanMenus } from './handlers/plan-menus';
import { registerRecoveryButtons } from './handlers/recovery';
import type { SlackOnCallDirectory } from './oncall-directory';

/** What the Slack listeners share: the engine, the store, the runbooks and the approval policy. */
export interface ListenerDeps {
  engine: OperationEngine;
  store: OperationStore;
  runbooks: RunbookRegistry;
  logger: Logger;
  policy: ApprovalPolicy;
  oncall: SlackOnCallDirectory;
  freeze: { admission: Admission; isApprover(userId: string): Promise<boolean> };
  explainAlarm?: CommandDeps['explainAlarm'];
  unrouted?: UnroutedAlarms;
  form?: { lookups?: FormLookups; runbookChannel?: string };
}

/** Registers every Slack listener, behind the event de-duplication. */
export function registerListeners(app: App, deps: ListenerDeps): void {
  // Slack redelivers what it thinks we missed (X-Slack-Retry-Num): each delivery is processed once, by
  // whichever replica records its key first, after the ack (a duplicate is acknowledged and dropped).
  registerDeliveryDedup(app, deps);
  // The form (shortcut, App Home button, `/runbook` alone) proposes through the command's path.
  registerRunbookCommand(app, { ...deps, openForm: registerRunbookForm(app, { ...deps, ...deps.form }) });
  registerOperationButtons(app, deps);
  registerRecoveryButtons(app, deps);
  registerPlanMenus(app, deps);
  registerConfirmButton(app, deps);
  registerAppHome(app, deps);
  registerAlarmOfferButton(app, deps);
  registerExportButton(app, deps);
  app.error(async (err) => {
    deps.logger.error({ err }, 'unhandled error in a Slack listener');
    return Promise.resolve();
  });
}

/**
 * Tracks the deliveries still being handled after their ack, so the bot's idle() (the sandbox, tests,
 * bench) can wait for them. Returns the promises in flight.
 */
export function trackDeliveries(app: App): Set<Promise<void>> {
  const handling = new Set<Promise<void>>();
  app.use(async ({ next }) => {
    const done = next();
    handling.add(done);
    try {
      await done;
    } finally {
      handling.delete(done);
    }
  });
  return handling;
}
