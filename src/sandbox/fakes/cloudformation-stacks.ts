// The stacks of the CloudFormation fake and how an executed update moves through them, apart from the
// Query protocol that reads requests and writes XML answers (cloudformation.ts).
import { randomUUID } from 'node:crypto';

/** The account and region every fake stack and change set ARN names. */
export const ARN = 'arn:aws:cloudformation:us-east-1:123456789012';

/** One resource change of a change set, as DescribeChangeSet lists it. */
export interface FakeResourceChange {
  Action: string;
  LogicalResourceId: string;
  ResourceType: string;
  Replacement?: string;
  Scope?: string[];
}

/** One line of a stack's event history (DescribeStackEvents), newest first. */
export interface FakeEvent {
  id: string;
  at: Date;
  logicalId: string;
  type: string;
  status: string;
  reason?: string;
}

/** A change set of the fake, computed on its second look as CloudFormation usually does. */
export interface FakeChangeSet {
  id: string;
  name: string;
  stackName: string;
  status: string;
  executionStatus: string;
  statusReason?: string;
  parameters: Record<string, string>;
  changes: FakeResourceChange[];
  /** Stack parameters when it was created: executing it after the stack changed is refused. */
  basedOn: string;
  describes: number;
}

/** A stack of the fake. Tests may read and change it directly. */
export interface FakeStack {
  name: string;
  id: string;
  status: string;
  statusReason?: string;
  parameters: Record<string, string>;
  capabilities: string[];
  events: FakeEvent[];
  changeSets: Map<string, FakeChangeSet>;
  pending?: { next: Record<string, string>; polls: number; fail?: string; changes: FakeResourceChange[] };
}

/** What a changed parameter does to resources, shaped like the templates of blue/green services. */
export function defaultResourceChanges(key: string): FakeResourceChange[] {
  const m = /^(Blue|Green)(Version|InstanceCount)$/.exec(key);
  if (!m) return [{ Action: 'Modify', LogicalResourceId: 'Service', ResourceType: 'AWS::CloudFormation::Stack', Replacement: 'False', Scope: ['Properties'] }];
  const asg: FakeResourceChange = {
    Action: 'Modify',
    LogicalResourceId: `${m[1]}AutoScalingGroup`,
    ResourceType: 'AWS::AutoScaling::AutoScalingGroup',
    Replacement: 'False',
    Scope: ['Properties'],
  };
  if (m[2] === 'InstanceCount') return [asg];
  return [
    {
      Action: 'Modify',
      LogicalResourceId: `${m[1]}LaunchConfiguration`,
      ResourceType: 'AWS::AutoScaling::LaunchConfiguration',
      Replacement: 'True',
      Scope: ['Properties'],
    },
    asg,
  ];
}

/** The fake's stacks, their events and their running updates; a fake clock moves one second per event. */
export class FakeStacks {
  readonly stacks = new Map<string, FakeStack>();
  /** The next executed update of these stacks fails with this reason. */
  readonly failures = new Map<string, string>();
  private clock = Date.UTC(2026, 10, 24, 12);

  /** Adds a stack in `status` (default UPDATE_COMPLETE) with its creation event. */
  add(name: string, parameters: Record<string, string>, options: { status?: string; capabilities?: string[] } = {}): FakeStack {
    const stack: FakeStack = {
      name,
      id: `${ARN}:stack/${name}/${randomUUID()}`,
      status: options.status ?? 'UPDATE_COMPLETE',
      parameters: { ...parameters },
      capabilities: options.capabilities ?? ['CAPABILITY_IAM'],
      events: [],
      changeSets: new Map(),
    };
    this.event(stack, name, 'AWS::CloudFormation::Stack', stack.status);
    this.stacks.set(name, stack);
    return stack;
  }

  /** Records an event at the top of the stack's history. */
  event(stack: FakeStack, logicalId: string, type: string, status: string, reason?: string): void {
    stack.events.unshift({ id: randomUUID(), at: this.now(), logicalId, type, status, reason });
  }

  /** Each DescribeStacks poll moves a running update one step, so waiters see it progress. */
  advance(s: FakeStack): void {
    const p = s.pending;
    if (!p) return;
    p.polls -= 1;
    if (p.polls > 0) {
      const change = p.changes[(p.changes.length - p.polls) % Math.max(1, p.changes.length)];
      if (change) this.event(s, change.LogicalResourceId, change.ResourceType, p.fail ? 'UPDATE_FAILED' : 'UPDATE_IN_PROGRESS', p.fail);
      if (p.fail) s.status = 'UPDATE_ROLLBACK_IN_PROGRESS';
      return;
    }
    s.pending = undefined;
    if (p.fail) {
      s.status = 'UPDATE_ROLLBACK_COMPLETE';
      s.statusReason = undefined;
      this.event(s, s.name, 'AWS::CloudFormation::Stack', 'UPDATE_ROLLBACK_COMPLETE');
      return;
    }
    s.parameters = p.next;
    for (const c of p.changes) this.event(s, c.LogicalResourceId, c.ResourceType, 'UPDATE_COMPLETE');
    s.status = 'UPDATE_COMPLETE';
    s.statusReason = undefined;
    this.event(s, s.name, 'AWS::CloudFormation::Stack', 'UPDATE_COMPLETE');
  }

  /** The change set called (or with the id) `name`, of the stack named (or with the id) `stackName` when given. */
  findChangeSet(stackName: string | null, name: string): FakeChangeSet | undefined {
    for (const s of this.stacks.values()) {
      if (stackName && stackName !== s.name && stackName !== s.id) continue;
      for (const cs of s.changeSets.values()) if (cs.name === name || cs.id === name) return cs;
    }
    return undefined;
  }

  private now(): Date {
    return new Date((this.clock += 1000));
  }
}
