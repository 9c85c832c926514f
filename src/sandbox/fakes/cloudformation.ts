import { randomUUID } from 'node:crypto';
import { startHttpServer } from './http-server';
import { formList, queryError, queryResponse, type XmlObject } from './cloudformation-xml';
import { ARN, defaultResourceChanges, FakeStacks, type FakeChangeSet, type FakeStack } from './cloudformation-stacks';

export type { FakeStack } from './cloudformation-stacks';

const MUTATING = new Set(['ExecuteChangeSet', 'UpdateStack', 'DeleteStack', 'CreateStack', 'RollbackStack', 'CancelUpdateStack']);

/** A request the fake received: its Action and every other form field. */
export interface CfnRequest {
  action: string;
  params: Record<string, string>;
}

/** A running strict CloudFormation fake that speaks the Query protocol the SDK client sends. */
export interface CloudFormationFake {
  url: string;
  requests: CfnRequest[];
  unexpected: string[];
  stacks: Map<string, FakeStack>;
  addStack(name: string, parameters: Record<string, string>, options?: { status?: string; capabilities?: string[] }): FakeStack;
  /** The next executed update of this stack fails and CloudFormation rolls it back. */
  failNextUpdate(stackName: string, reason: string): void;
  /** How many DescribeStacks polls an update takes (default 2). */
  updatePolls: number;
  /** Actions that change a stack, in order (e.g. `ExecuteChangeSet prod-global-k-metapod`). */
  mutatingCalls(): string[];
  actions(): string[];
  assertNoUnexpected(): void;
  close(): Promise<void>;
}

/** Starts the fake on loopback; point the SDK client (or AWS_ENDPOINT_URL_CLOUDFORMATION) at `url`. */
export async function startCloudFormationFake(): Promise<CloudFormationFake> {
  const model = new FakeStacks();
  const { stacks, failures } = model;
  const findChangeSet = (form: URLSearchParams): FakeChangeSet | undefined => model.findChangeSet(form.get('StackName'), form.get('ChangeSetName') ?? '');
  const stackXml = (s: FakeStack): XmlObject => ({
    StackId: s.id,
    StackName: s.name,
    Parameters: Object.entries(s.parameters).map(([ParameterKey, ParameterValue]) => ({ ParameterKey, ParameterValue })),
    CreationTime: '2026-01-05T10:00:00.000Z',
    LastUpdatedTime: s.events[0]?.at.toISOString(),
    StackStatus: s.status,
    StackStatusReason: s.statusReason,
    DisableRollback: false,
    Capabilities: s.capabilities,
    Tags: [],
  });
  type Answer = { result: XmlObject } | { error: [number, string, string] };
  const handlers: Record<string, (form: URLSearchParams) => Answer> = {
    DescribeStacks(form) {
      const name = form.get('StackName');
      if (name === null) return { result: { Stacks: [...stacks.values()].map(stackXml) } };
      const s = [...stacks.values()].find((x) => x.name === name || x.id === name);
      if (!s) return { error: [400, 'ValidationError', `Stack with id ${name} does not exist`] };
      model.advance(s);
      return { result: { Stacks: [stackXml(s)] } };
    },
    ListStacks(form) {
      const filter = formList(form, 'StackStatusFilter').map((m) => m._!);
      const list = [...stacks.values()].filter((s) => filter.length === 0 || filter.includes(s.status));
      return {
        result: { StackSummaries: list.map((s) => ({ StackId: s.id, StackName: s.name, StackStatus: s.status, CreationTime: '2026-01-05T10:00:00.000Z' })) },
      };
    },
    GetTemplateSummary(form) {
      const s = stacks.get(form.get('StackName') ?? '');
      if (!s) return { error: [400, 'ValidationError', `Stack with id ${form.get('StackName')} does not exist`] };
      return {
        result: {
          Parameters: Object.keys(s.parameters).map((k) => ({ ParameterKey: k, ParameterType: 'String', NoEcho: false })),
          Capabilities: s.capabilities,
          Version: '2010-09-09',
        },
      };
    },
    CreateChangeSet(form) {
      const s = stacks.get(form.get('StackName') ?? '');
      const name = form.get('ChangeSetName') ?? '';
      if (!s) return { error: [400, 'ValidationError', `Stack [${form.get('StackName')}] does not exist`] };
      if (form.get('UsePreviousTemplate') !== 'true') return { error: [400, 'ValidationError', 'This fake only supports UsePreviousTemplate=true'] };
      if (s.status.endsWith('_IN_PROGRESS')) return { error: [400, 'ValidationError', `Stack:${s.id} is in ${s.status} state and can not be updated.`] };
      if (s.changeSets.has(name)) return { error: [400, 'AlreadyExistsException', `ChangeSet ${name} already exists`] };
      const caps = formList(form, 'Capabilities').map((m) => m._!);
      const missingCaps = s.capabilities.filter((c) => !caps.includes(c));
      if (missingCaps.length > 0) return { error: [400, 'InsufficientCapabilitiesException', `Requires capabilities : [${missingCaps.join(',')}]`] };
      const given = formList(form, 'Parameters');
      const unknown = given.map((p) => p.ParameterKey!).filter((k) => !(k in s.parameters));
      if (unknown.length > 0) return { error: [400, 'ValidationError', `Parameters: [${unknown.join(', ')}] do not exist in the template`] };
      const missing = Object.keys(s.parameters).filter((k) => !given.some((p) => p.ParameterKey === k));
      if (missing.length > 0) return { error: [400, 'ValidationError', `Parameters: [${missing.join(', ')}] must have values`] };
      const next = Object.fromEntries(
        Object.entries(s.parameters).map(([k, v]) => {
          const p = given.find((g) => g.ParameterKey === k)!;
          return [k, p.UsePreviousValue === 'true' ? v : (p.ParameterValue ?? '')];
        }),
      );
      const changed = Object.keys(next).filter((k) => next[k] !== s.parameters[k]);
      const changes = changed.flatMap(defaultResourceChanges).filter((c, i, all) => all.findIndex((x) => x.LogicalResourceId === c.LogicalResourceId) === i);
      const cs: FakeChangeSet = {
        id: `${ARN}:changeSet/${name}/${randomUUID()}`,
        name,
        stackName: s.name,
        status: 'CREATE_IN_PROGRESS',
        executionStatus: 'UNAVAILABLE',
        parameters: next,
        changes,
        basedOn: JSON.stringify(s.parameters),
        describes: 0,
      };
      s.changeSets.set(name, cs);
      return { result: { Id: cs.id, StackId: s.id } };
    },
    DescribeChangeSet(form) {
      const cs = findChangeSet(form);
      if (!cs) return { error: [404, 'ChangeSetNotFound', `ChangeSet [${form.get('ChangeSetName')}] does not exist`] };
      cs.describes += 1;
      // The first look finds it still being computed, as CloudFormation usually does.
      if (cs.status === 'CREATE_IN_PROGRESS' && cs.describes > 1) {
        const empty = cs.changes.length === 0;
        cs.status = empty ? 'FAILED' : 'CREATE_COMPLETE';
        cs.executionStatus = empty ? 'UNAVAILABLE' : 'AVAILABLE';
        cs.statusReason = empty ? "The submitted information didn't contain changes. Submit different information to create a change set." : undefined;
      }
      const s = stacks.get(cs.stackName)!;
      if (cs.executionStatus === 'AVAILABLE' && JSON.stringify(s.parameters) !== cs.basedOn) cs.executionStatus = 'OBSOLETE';
      return {
        result: {
          ChangeSetName: cs.name,
          ChangeSetId: cs.id,
          StackId: s.id,
          StackName: s.name,
          Parameters: Object.entries(cs.parameters).map(([ParameterKey, ParameterValue]) => ({ ParameterKey, ParameterValue })),
          CreationTime: '2026-11-24T12:00:00.000Z',
          ExecutionStatus: cs.executionStatus,
          Status: cs.status,
          StatusReason: cs.statusReason,
          Capabilities: s.capabilities,
          Changes: cs.changes.map((c) => ({
            Type: 'Resource',
            ResourceChange: {
              Action: c.Action,
              LogicalResourceId: c.LogicalResourceId,
              PhysicalResourceId: `${s.name}-${c.LogicalResourceId}-X1`,
              ResourceType: c.ResourceType,
              Replacement: c.Replacement,
              Scope: c.Scope ?? [],
            },
          })),
        },
      };
    },
    ExecuteChangeSet(form) {
      const cs = findChangeSet(form);
      if (!cs) return { error: [404, 'ChangeSetNotFound', `ChangeSet [${form.get('ChangeSetName')}] does not exist`] };
      const s = stacks.get(cs.stackName)!;
      if (JSON.stringify(s.parameters) !== cs.basedOn && cs.executionStatus === 'AVAILABLE') cs.executionStatus = 'OBSOLETE';
      if (cs.status !== 'CREATE_COMPLETE' || cs.executionStatus !== 'AVAILABLE') {
        return { error: [400, 'InvalidChangeSetStatus', `ChangeSet [${cs.id}] cannot be executed in its current status of [${cs.status}]`] };
      }
      if (s.status.endsWith('_IN_PROGRESS')) return { error: [400, 'ValidationError', `Stack:${s.id} is in ${s.status} state and can not be updated.`] };
      cs.executionStatus = 'EXECUTE_COMPLETE';
      s.status = 'UPDATE_IN_PROGRESS';
      s.statusReason = 'User Initiated';
      model.event(s, s.name, 'AWS::CloudFormation::Stack', 'UPDATE_IN_PROGRESS', 'User Initiated');
      s.pending = { next: cs.parameters, polls: fake.updatePolls, fail: failures.get(s.name), changes: cs.changes };
      failures.delete(s.name);
      // CloudFormation deletes the stack's other change sets once one is executed.
      for (const other of [...s.changeSets.keys()]) if (other !== cs.name) s.changeSets.delete(other);
      return { result: {} };
    },
    DeleteChangeSet(form) {
      const cs = findChangeSet(form);
      if (!cs) return { error: [404, 'ChangeSetNotFound', `ChangeSet [${form.get('ChangeSetName')}] does not exist`] };
      stacks.get(cs.stackName)!.changeSets.delete(cs.name);
      return { result: {} };
    },
    DescribeStackEvents(form) {
      const s = stacks.get(form.get('StackName') ?? '');
      if (!s) return { error: [400, 'ValidationError', `Stack [${form.get('StackName')}] does not exist`] };
      return {
        result: {
          StackEvents: s.events.map((e) => ({
            StackId: s.id,
            EventId: e.id,
            StackName: s.name,
            LogicalResourceId: e.logicalId,
            PhysicalResourceId: e.logicalId,
            ResourceType: e.type,
            Timestamp: e.at.toISOString(),
            ResourceStatus: e.status,
            ResourceStatusReason: e.reason,
          })),
        },
      };
    },
  };

  const server = await startHttpServer((req, res, body) => {
    const form = new URLSearchParams(body);
    const action = form.get('Action') ?? '';
    const requestId = randomUUID();
    const send = (status: number, xml: string): void => {
      res.writeHead(status, { 'content-type': 'text/xml', 'x-amzn-requestid': requestId }).end(xml);
    };
    const handler = Object.hasOwn(handlers, action) ? handlers[action] : undefined;
    const wellFormed =
      req.method === 'POST' && String(req.headers['content-type']).startsWith('application/x-www-form-urlencoded') && form.get('Version') === '2010-05-15';
    if (!handler || !wellFormed || !String(req.headers.authorization ?? '').startsWith('AWS4-HMAC-SHA256 ')) {
      fake.unexpected.push(`${req.method ?? '?'} ${req.url ?? ''} ${body.slice(0, 200)}`);
      return send(400, queryError('Sender', 'InvalidAction', `The action ${action} is not valid for this web service.`, requestId));
    }
    fake.requests.push({ action, params: Object.fromEntries([...form].filter(([k]) => k !== 'Action' && k !== 'Version')) });
    const answer = handler(form);
    if ('error' in answer) return send(answer.error[0], queryError('Sender', answer.error[1], answer.error[2], requestId));
    send(200, queryResponse(action, answer.result, requestId));
  });

  const fake: CloudFormationFake = {
    url: server.url,
    requests: [],
    unexpected: [],
    stacks,
    updatePolls: 2,
    addStack: (name, parameters, options) => model.add(name, parameters, options),
    failNextUpdate(stackName, reason) {
      failures.set(stackName, reason);
    },
    mutatingCalls: () => fake.requests.filter((r) => MUTATING.has(r.action)).map((r) => `${r.action} ${r.params.StackName ?? ''}`.trim()),
    actions: () => fake.requests.map((r) => r.action),
    assertNoUnexpected() {
      if (fake.unexpected.length > 0) throw new Error(`CloudFormation fake saw unexpected requests:\n  ${fake.unexpected.join('\n  ')}`);
    },
    close: () => server.close(),
  };
  return fake;
}
