/** A stack as the runbooks see it. */
export interface StackInfo {
  name: string;
  id: string;
  status: string;
  statusReason?: string;
  /** Current parameter values by key. */
  parameters: Record<string, string>;
  lastUpdated?: string;
}

/** One resource a change set would touch. */
export interface ResourceChangeInfo {
  action: string;
  logicalId: string;
  resourceType: string;
  physicalId?: string;
  /** `True`, `False` or `Conditional` for modifications. */
  replacement?: string;
  /** What about the resource changes (Properties, Tags, …). */
  scope: string[];
}

/** A change set and what it would do. */
export interface ChangeSetInfo {
  id: string;
  name: string;
  stackName: string;
  /** CREATE_PENDING, CREATE_IN_PROGRESS, CREATE_COMPLETE, FAILED, … */
  status: string;
  /** AVAILABLE, EXECUTE_IN_PROGRESS, EXECUTE_COMPLETE, OBSOLETE, … */
  executionStatus: string;
  statusReason?: string;
  parameters: Record<string, string>;
  changes: ResourceChangeInfo[];
}

/** One stack event (newest first when listed). */
export interface StackEventInfo {
  id: string;
  timestamp: string;
  logicalId: string;
  resourceType: string;
  status: string;
  reason?: string;
}

/** How long and how often to wait for CloudFormation (seconds, as the SDK waiters count). */
export interface WaitOptions {
  maxWaitSeconds: number;
  minDelaySeconds: number;
  maxDelaySeconds: number;
  signal?: AbortSignal;
}

/** How a wait ended: the final stack (or change set) and whether it is the state we waited for. */
export interface WaitOutcome<T> {
  ok: boolean;
  /** `SUCCESS`, `FAILURE`, `TIMEOUT` or `ABORTED`. */
  state: string;
  final?: T;
}

/** The CloudFormation calls the runbooks use; one thin method per call. */
export interface CloudFormationActions {
  /** The stack, or undefined when it does not exist. */
  describeStack(stackName: string, signal?: AbortSignal): Promise<StackInfo | undefined>;
  /** Names of the live (not deleted) stacks whose name matches `pattern`. */
  listStackNames(pattern: RegExp, signal?: AbortSignal): Promise<string[]>;
  /** Parameter keys the current template declares, and the capabilities it needs. */
  templateSummary(stackName: string, signal?: AbortSignal): Promise<{ parameterKeys: string[]; capabilities: string[] }>;
  /** Creates a change set on the current template: `changes` set, every other parameter keeps its value. */
  createChangeSet(req: {
    stackName: string;
    changeSetName: string;
    parameterKeys: string[];
    changes: Record<string, string>;
    capabilities: string[];
    description?: string;
    signal?: AbortSignal;
  }): Promise<{ id: string }>;
  describeChangeSet(stackName: string, changeSetName: string, signal?: AbortSignal): Promise<ChangeSetInfo>;
  executeChangeSet(stackName: string, changeSetName: string, signal?: AbortSignal): Promise<void>;
  deleteChangeSet(stackName: string, changeSetName: string, signal?: AbortSignal): Promise<void>;
  /** Events newer than `afterEventId` (all recent ones when undefined), newest first. */
  stackEvents(stackName: string, afterEventId?: string, signal?: AbortSignal): Promise<StackEventInfo[]>;
  waitForChangeSet(stackName: string, changeSetName: string, options: WaitOptions): Promise<WaitOutcome<ChangeSetInfo>>;
  waitForStackUpdate(stackName: string, options: WaitOptions): Promise<WaitOutcome<StackInfo>>;
}
