import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { SdkCloudFormationActions } from '../../../src/actions/cloudformation/sdk-cloudformation-actions';
import { BackendError } from '../../../src/actions/http/errors';
import { startCloudFormationFake, type CloudFormationFake } from '../../../src/sandbox/fakes/cloudformation';

const PARAMS = { BlueVersion: 'aaaaaaa', BlueInstanceCount: '3', GreenVersion: 'bbbbbbb', GreenInstanceCount: '0', Environment: 'prod' };
const FAST = { maxWaitSeconds: 10, minDelaySeconds: 0.01, maxDelaySeconds: 0.02 };

describe('SdkCloudFormationActions against the Query-protocol fake', () => {
  let cfn: CloudFormationFake;
  let client: CloudFormationClient;
  let actions: SdkCloudFormationActions;
  beforeEach(async () => {
    cfn = await startCloudFormationFake();
    client = new CloudFormationClient({
      endpoint: cfn.url,
      region: 'us-east-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      maxAttempts: 1,
    });
    actions = new SdkCloudFormationActions(client);
  });
  afterEach(async () => {
    client.destroy();
    cfn.assertNoUnexpected();
    await cfn.close();
  });

  it('describes a stack, and says undefined for a missing one (ValidationError "does not exist")', async () => {
    cfn.addStack('prod-global-k-metapod', PARAMS);
    expect(await actions.describeStack('prod-global-k-metapod')).toMatchObject({
      name: 'prod-global-k-metapod',
      status: 'UPDATE_COMPLETE',
      parameters: PARAMS,
    });
    expect(await actions.describeStack('prod-global-k-nope')).toBeUndefined();
    expect(cfn.requests[1]).toEqual({ action: 'DescribeStacks', params: { StackName: 'prod-global-k-nope' } });
  });

  it('lists live stacks by name pattern and reads the template summary', async () => {
    for (const shard of ['s2', 's0', 's1']) cfn.addStack(`prod-${shard}-k-correnteza`, PARAMS);
    cfn.addStack('prod-s0-k-other', PARAMS);
    cfn.addStack('prod-s3-k-correnteza', PARAMS, { status: 'DELETE_COMPLETE' });
    expect(await actions.listStackNames(/^prod-.+-k-correnteza$/)).toEqual(['prod-s0-k-correnteza', 'prod-s1-k-correnteza', 'prod-s2-k-correnteza']);
    expect(await actions.templateSummary('prod-s0-k-correnteza')).toEqual({ parameterKeys: Object.keys(PARAMS), capabilities: ['CAPABILITY_IAM'] });
  });

  it('creates a change set on the previous template, waits for it, executes it and waits for the update', async () => {
    cfn.addStack('prod-global-k-metapod', PARAMS);
    const keys = Object.keys(PARAMS);
    await actions.createChangeSet({
      stackName: 'prod-global-k-metapod',
      changeSetName: 'rb-1',
      parameterKeys: keys,
      changes: { GreenVersion: 'ccccccc', GreenInstanceCount: '3' },
      capabilities: ['CAPABILITY_IAM'],
    });
    const create = cfn.requests.find((r) => r.action === 'CreateChangeSet')!;
    expect(create.params).toMatchObject({
      UsePreviousTemplate: 'true',
      ChangeSetType: 'UPDATE',
      'Parameters.member.1.ParameterKey': 'BlueVersion',
      'Parameters.member.1.UsePreviousValue': 'true',
      'Parameters.member.3.ParameterKey': 'GreenVersion',
      'Parameters.member.3.ParameterValue': 'ccccccc',
      'Capabilities.member.1': 'CAPABILITY_IAM',
    });
    const created = await actions.waitForChangeSet('prod-global-k-metapod', 'rb-1', FAST);
    expect(created).toMatchObject({ ok: true, state: 'SUCCESS', final: { status: 'CREATE_COMPLETE', executionStatus: 'AVAILABLE' } });
    expect(created.final!.changes).toEqual([
      expect.objectContaining({ action: 'Modify', logicalId: 'GreenLaunchConfiguration', replacement: 'True' }),
      expect.objectContaining({ action: 'Modify', logicalId: 'GreenAutoScalingGroup', replacement: 'False', scope: ['Properties'] }),
    ]);
    expect(cfn.mutatingCalls()).toEqual([]);
    const before = (await actions.stackEvents('prod-global-k-metapod'))[0]!.id;
    await actions.executeChangeSet('prod-global-k-metapod', 'rb-1');
    const updated = await actions.waitForStackUpdate('prod-global-k-metapod', FAST);
    expect(updated).toMatchObject({
      ok: true,
      state: 'SUCCESS',
      final: { status: 'UPDATE_COMPLETE', parameters: { ...PARAMS, GreenVersion: 'ccccccc', GreenInstanceCount: '3' } },
    });
    const events = await actions.stackEvents('prod-global-k-metapod', before);
    expect(events.at(-1)).toMatchObject({ status: 'UPDATE_IN_PROGRESS', logicalId: 'prod-global-k-metapod' });
    expect(events[0]).toMatchObject({ status: 'UPDATE_COMPLETE', logicalId: 'prod-global-k-metapod' });
    expect(cfn.mutatingCalls()).toEqual(['ExecuteChangeSet prod-global-k-metapod']);
  });

  it('reports a change set without changes as FAILED with the reason, and a rolled-back update as a failed wait', async () => {
    cfn.addStack('prod-global-k-metapod', PARAMS);
    await actions.createChangeSet({
      stackName: 'prod-global-k-metapod',
      changeSetName: 'same',
      parameterKeys: Object.keys(PARAMS),
      changes: { BlueVersion: 'aaaaaaa' },
      capabilities: ['CAPABILITY_IAM'],
    });
    const same = await actions.waitForChangeSet('prod-global-k-metapod', 'same', FAST);
    expect(same).toMatchObject({ ok: false, state: 'FAILURE', final: { status: 'FAILED', statusReason: expect.stringContaining("didn't contain changes") } });
    await actions.deleteChangeSet('prod-global-k-metapod', 'same');

    cfn.failNextUpdate('prod-global-k-metapod', 'Instance failed to stabilize');
    await actions.createChangeSet({
      stackName: 'prod-global-k-metapod',
      changeSetName: 'bad',
      parameterKeys: Object.keys(PARAMS),
      changes: { GreenInstanceCount: '3' },
      capabilities: ['CAPABILITY_IAM'],
    });
    await actions.waitForChangeSet('prod-global-k-metapod', 'bad', FAST);
    await actions.executeChangeSet('prod-global-k-metapod', 'bad');
    const failed = await actions.waitForStackUpdate('prod-global-k-metapod', FAST);
    expect(failed).toMatchObject({ ok: false, state: 'FAILURE', final: { status: 'UPDATE_ROLLBACK_COMPLETE', parameters: PARAMS } });
    expect((await actions.stackEvents('prod-global-k-metapod')).some((e) => e.reason === 'Instance failed to stabilize')).toBe(true);
  });

  it('maps CloudFormation errors (real error shape) and an unreachable endpoint to BackendErrors', async () => {
    cfn.addStack('prod-global-k-metapod', PARAMS, { status: 'UPDATE_IN_PROGRESS' });
    const err = await actions
      .createChangeSet({
        stackName: 'prod-global-k-metapod',
        changeSetName: 'x',
        parameterKeys: Object.keys(PARAMS),
        changes: { GreenInstanceCount: '1' },
        capabilities: [],
      })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BackendError);
    // Through the one AWS mapper (src/actions/aws/map-sdk-error.ts): the IAM action, the target and CloudFormation's own words.
    expect(err).toMatchObject({ code: 'invalid_request', status: 400 });
    expect((err as Error).message).toMatch(
      /^CloudFormation refused cloudformation:CreateChangeSet on change set `x` of stack `prod-global-k-metapod`: Stack:arn:.* is in UPDATE_IN_PROGRESS state and can not be updated\.$/,
    );
    await expect(actions.describeChangeSet('prod-global-k-metapod', 'nope')).rejects.toMatchObject({
      code: 'not_found',
      message: expect.stringContaining('ChangeSet [nope] does not exist'),
    });

    const closed = await startCloudFormationFake();
    await closed.close();
    const offline = new CloudFormationClient({
      endpoint: closed.url,
      region: 'us-east-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      maxAttempts: 1,
    });
    try {
      await expect(new SdkCloudFormationActions(offline).describeStack('prod-global-k-metapod')).rejects.toMatchObject({
        code: 'connection_refused',
        message:
          'Could not connect to CloudFormation (cloudformation:DescribeStacks on stack `prod-global-k-metapod`): connection refused. Check its endpoint in the configuration.',
      });
    } finally {
      offline.destroy();
    }
  });
});
