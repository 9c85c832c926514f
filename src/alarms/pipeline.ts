import type { RunbookRegistry } from '../operations/runbook';
import { enrichAlarm, type AlarmDefinitions, type CloudWatchReading } from './alarm-definitions';
import type { ChannelMessage } from './message';
import { parseAlarmMessage } from './parse';
import { decideRoute, type CompiledRoute, type RouteDecision } from './routes';
import type { Alarm } from './types';

/** What the alarm pipeline needs: the routes in order, the runbooks they name, and CloudWatch (optional). */
export interface AlarmPipeline {
  routes: CompiledRoute[];
  runbooks: RunbookRegistry;
  definitions?: AlarmDefinitions;
}

/** Every stage's result for one post: the listener acts on it, `alarms explain` shows it. */
export interface Examination {
  /** The alarm as the post says it (undefined: not an alarm). */
  posted?: Alarm;
  /** The alarm after CloudWatch's definition was read. */
  alarm?: Alarm;
  cloudwatch: CloudWatchReading;
  decision?: RouteDecision;
}

/** recognise -> enrich -> route, without acting. */
export async function examine(message: ChannelMessage, pipeline: AlarmPipeline): Promise<Examination> {
  const posted = parseAlarmMessage(message);
  if (!posted) return { cloudwatch: { status: 'not-asked' } };
  return examineAlarm(posted, pipeline);
}

/** enrich -> route for an alarm already recognised. */
export async function examineAlarm(posted: Alarm, pipeline: AlarmPipeline): Promise<Examination> {
  const { alarm, cloudwatch } = await enrichAlarm(posted, pipeline.definitions);
  return { posted, alarm, cloudwatch, decision: decideRoute(alarm, pipeline.routes, pipeline.runbooks) };
}

/** One line for the thread about what CloudWatch said, or undefined when it was not asked. */
export function cloudwatchNote(reading: CloudWatchReading): string | undefined {
  switch (reading.status) {
    case 'found':
      return 'Read its definition from CloudWatch.';
    case 'not-found':
      return 'CloudWatch has no metric alarm of that name here: routed on what the post says.';
    case 'unavailable':
      return `:warning: Could not read the alarm from CloudWatch (${reading.reason}): routed on what the post says.`;
    default:
      return undefined;
  }
}
