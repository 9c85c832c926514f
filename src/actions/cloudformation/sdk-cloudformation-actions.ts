import type { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import {
  CreateChangeSetCommand,
  DeleteChangeSetCommand,
  DescribeChangeSetCommand,
  DescribeStackEventsCommand,
  DescribeStacksCommand,
  ExecuteChangeSetCommand,
  GetTemplateSummaryCommand,
  ListStacksCommand,
  waitUntilChangeSetCreateComplete,
  waitUntilStackUpdateComplete,
  type Capability,
  type DescribeChangeSetCommandOutput,
  type Stack,
  type StackStatus,
} from '@aws-sdk/client-cloudformation';
import { mapSdkError } from '../aws/map-sdk-error';
import type { BackendError } from '../http/errors';
import type { ChangeSetInfo, CloudFormationActions, StackEventInfo, StackInfo, WaitOptions, WaitOutcome } from './types';

const LIVE_STATUSES: StackStatus[] = [
  'CREATE_COMPLETE',
  'UPDATE_COMPLETE',
  'UPDATE_ROLLBACK_COMPLETE',
  'UPDATE_IN_PROGRESS',
  'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS',
  'UPDATE_ROLLBACK_IN_PROGRESS',
  'UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS',
  'UPDATE_ROLLBACK_FAILED',
  'CREATE_IN_PROGRESS',
  'ROLLBACK_COMPLETE',
  'IMPORT_COMPLETE',
  'IMPORT_ROLLBACK_COMPLETE',
];
const MAX_EVENT_PAGES = 5;

/** CloudFormation's failures through the one AWS mapper; `action` is the IAM action, `target` what it was called on. */
function cloudFormationError(action: string, target: string, err: unknown, signal?: AbortSignal): BackendError {
  return mapSdkError('CloudFormation', `cloudformation:${action}`, target, err, signal);
}

function isMissingStack(err: unknown): boolean {
  const e = err as { name?: string; message?: string };
  return e.name === 'ValidationError' && /does not exist/i.test(e.message ?? '');
}

function toStack(s: Stack): StackInfo {
  return {
    name: s.StackName ?? '',
    id: s.StackId ?? '',
    status: s.StackStatus ?? 'UNKNOWN',
    statusReason: s.StackStatusReason,
    parameters: Object.fromEntries((s.Parameters ?? []).map((p) => [p.ParameterKey ?? '', p.ParameterValue ?? ''])),
    lastUpdated: (s.LastUpdatedTime ?? s.CreationTime)?.toISOString(),
  };
}

function toChangeSet(c: DescribeChangeSetCommandOutput, stackName: string, name: string): ChangeSetInfo {
  return {
    id: c.ChangeSetId ?? '',
    name: c.ChangeSetName ?? name,
    stackName: c.StackName ?? stackName,
    status: c.Status ?? 'UNKNOWN',
    executionStatus: c.ExecutionStatus ?? 'UNKNOWN',
    statusReason: c.StatusReason,
    parameters: Object.fromEntries((c.Parameters ?? []).map((p) => [p.ParameterKey ?? '', p.ParameterValue ?? ''])),
    changes: (c.Changes ?? []).flatMap((ch) => {
      const r = ch.ResourceChange;
      if (!r) return [];
      return [
        {
          action: r.Action ?? '?',
          logicalId: r.LogicalResourceId ?? '?',
          resourceType: r.ResourceType ?? '?',
          physicalId: r.PhysicalResourceId,
          replacement: r.Replacement,
          scope: r.Scope ?? [],
        },
      ];
    }),
  };
}

/** CloudFormation through the AWS SDK v3 client (injected). */
export class SdkCloudFormationActions implements CloudFormationActions {
  constructor(private readonly client: CloudFormationClient) {}

  async describeStack(stackName: string, signal?: AbortSignal): Promise<StackInfo | undefined> {
    try {
      const out = await this.client.send(new DescribeStacksCommand({ StackName: stackName }), { abortSignal: signal });
      const stack = out.Stacks?.[0];
      return stack ? toStack(stack) : undefined;
    } catch (err) {
      if (isMissingStack(err)) return undefined;
      throw cloudFormationError('DescribeStacks', `stack \`${stackName}\``, err, signal);
    }
  }

  async listStackNames(pattern: RegExp, signal?: AbortSignal): Promise<string[]> {
    const names: string[] = [];
    let token: string | undefined;
    try {
      do {
        const out = await this.client.send(new ListStacksCommand({ StackStatusFilter: LIVE_STATUSES, NextToken: token }), { abortSignal: signal });
        names.push(...(out.StackSummaries ?? []).map((s) => s.StackName ?? '').filter((n) => pattern.test(n)));
        token = out.NextToken;
      } while (token);
    } catch (err) {
      throw cloudFormationError('ListStacks', 'the stack list', err, signal);
    }
    return [...new Set(names)].sort();
  }

  async templateSummary(stackName: string, signal?: AbortSignal): Promise<{ parameterKeys: string[]; capabilities: string[] }> {
    try {
      const out = await this.client.send(new GetTemplateSummaryCommand({ StackName: stackName }), { abortSignal: signal });
      return { parameterKeys: (out.Parameters ?? []).map((p) => p.ParameterKey ?? '').filter(Boolean), capabilities: out.Capabilities ?? [] };
    } catch (err) {
      throw cloudFormationError('GetTemplateSummary', `stack \`${stackName}\``, err, signal);
    }
  }

  async createChangeSet(req: Parameters<CloudFormationActions['createChangeSet']>[0]): Promise<{ id: string }> {
    const parameters = req.parameterKeys.map((key) =>
      key in req.changes ? { ParameterKey: key, ParameterValue: req.changes[key] } : { ParameterKey: key, UsePreviousValue: true },
    );
    try {
      const out = await this.client.send(
        new CreateChangeSetCommand({
          StackName: req.stackName,
          ChangeSetName: req.changeSetName,
          ChangeSetType: 'UPDATE',
          UsePreviousTemplate: true,
          Parameters: parameters,
          Capabilities: req.capabilities as Capability[],
          Description: req.description?.slice(0, 1024),
        }),
        { abortSignal: req.signal },
      );
      return { id: out.Id ?? req.changeSetName };
    } catch (err) {
      throw cloudFormationError('CreateChangeSet', `change set \`${req.changeSetName}\` of stack \`${req.stackName}\``, err, req.signal);
    }
  }

  async describeChangeSet(stackName: string, changeSetName: string, signal?: AbortSignal): Promise<ChangeSetInfo> {
    try {
      const first = await this.client.send(new DescribeChangeSetCommand({ StackName: stackName, ChangeSetName: changeSetName }), { abortSignal: signal });
      const info = toChangeSet(first, stackName, changeSetName);
      // Large change sets come in pages; a rollback touches few resources, so a few pages are plenty.
      let token = first.NextToken;
      for (let page = 0; token && page < 10; page++) {
        const next = await this.client.send(new DescribeChangeSetCommand({ StackName: stackName, ChangeSetName: changeSetName, NextToken: token }), {
          abortSignal: signal,
        });
        info.changes.push(...toChangeSet(next, stackName, changeSetName).changes);
        token = next.NextToken;
      }
      return info;
    } catch (err) {
      throw cloudFormationError('DescribeChangeSet', `change set \`${changeSetName}\` of stack \`${stackName}\``, err, signal);
    }
  }

  async executeChangeSet(stackName: string, changeSetName: string, signal?: AbortSignal): Promise<void> {
    try {
      await this.client.send(new ExecuteChangeSetCommand({ StackName: stackName, ChangeSetName: changeSetName }), { abortSignal: signal });
    } catch (err) {
      throw cloudFormationError('ExecuteChangeSet', `change set \`${changeSetName}\` of stack \`${stackName}\``, err, signal);
    }
  }

  async deleteChangeSet(stackName: string, changeSetName: string, signal?: AbortSignal): Promise<void> {
    try {
      await this.client.send(new DeleteChangeSetCommand({ StackName: stackName, ChangeSetName: changeSetName }), { abortSignal: signal });
    } catch (err) {
      throw cloudFormationError('DeleteChangeSet', `change set \`${changeSetName}\` of stack \`${stackName}\``, err, signal);
    }
  }

  async stackEvents(stackName: string, afterEventId?: string, signal?: AbortSignal): Promise<StackEventInfo[]> {
    const events: StackEventInfo[] = [];
    let token: string | undefined;
    try {
      for (let page = 0; page < MAX_EVENT_PAGES; page++) {
        const out = await this.client.send(new DescribeStackEventsCommand({ StackName: stackName, NextToken: token }), { abortSignal: signal });
        for (const e of out.StackEvents ?? []) {
          if (afterEventId !== undefined && e.EventId === afterEventId) return events;
          events.push({
            id: e.EventId ?? '',
            timestamp: e.Timestamp?.toISOString() ?? '',
            logicalId: e.LogicalResourceId ?? '',
            resourceType: e.ResourceType ?? '',
            status: e.ResourceStatus ?? '',
            reason: e.ResourceStatusReason,
          });
        }
        token = out.NextToken;
        // Without a marker only the newest page is wanted.
        if (!token || afterEventId === undefined) break;
      }
    } catch (err) {
      throw cloudFormationError('DescribeStackEvents', `stack \`${stackName}\``, err, signal);
    }
    return events;
  }

  async waitForChangeSet(stackName: string, changeSetName: string, o: WaitOptions): Promise<WaitOutcome<ChangeSetInfo>> {
    let state: string;
    try {
      const res = await waitUntilChangeSetCreateComplete(
        { client: this.client, maxWaitTime: o.maxWaitSeconds, minDelay: o.minDelaySeconds, maxDelay: o.maxDelaySeconds, abortSignal: o.signal },
        { StackName: stackName, ChangeSetName: changeSetName },
      );
      state = res.state;
    } catch (err) {
      state = waiterState(err);
      if (state === 'ERROR') throw cloudFormationError('DescribeChangeSet', `change set \`${changeSetName}\` of stack \`${stackName}\``, err, o.signal);
    }
    if (o.signal?.aborted) return { ok: false, state: 'ABORTED' };
    return { ok: state === 'SUCCESS', state, final: await this.describeChangeSet(stackName, changeSetName, o.signal) };
  }

  async waitForStackUpdate(stackName: string, o: WaitOptions): Promise<WaitOutcome<StackInfo>> {
    let state: string;
    try {
      const res = await waitUntilStackUpdateComplete(
        { client: this.client, maxWaitTime: o.maxWaitSeconds, minDelay: o.minDelaySeconds, maxDelay: o.maxDelaySeconds, abortSignal: o.signal },
        { StackName: stackName },
      );
      state = res.state;
    } catch (err) {
      state = waiterState(err);
      if (state === 'ERROR') throw cloudFormationError('DescribeStacks', `stack \`${stackName}\``, err, o.signal);
    }
    if (o.signal?.aborted) return { ok: false, state: 'ABORTED' };
    return { ok: state === 'SUCCESS', state, final: await this.describeStack(stackName, o.signal) };
  }
}

/** The SDK's waitUntil* throw an Error whose message is the JSON of the waiter result. */
function waiterState(err: unknown): string {
  const e = err as { name?: string; message?: string };
  if (e.name === 'AbortError') return 'ABORTED';
  try {
    const parsed = JSON.parse(e.message ?? '') as { state?: string };
    if (typeof parsed.state === 'string') return parsed.state;
  } catch {
    // not a waiter result
  }
  return 'ERROR';
}
