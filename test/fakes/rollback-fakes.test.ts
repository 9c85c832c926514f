import { startCloudFormationFake } from '../../src/sandbox/fakes/cloudformation';
import { formList, queryError } from '../../src/sandbox/fakes/cloudformation-xml';
import { startGoCdFake } from '../../src/sandbox/fakes/gocd';
import { startServiceVersionFake } from '../../src/sandbox/fakes/service-version';

describe('the rollback fakes are strict', () => {
  it('CloudFormation: an unknown action, an unsigned request or a wrong version is recorded and answered like AWS', async () => {
    const cfn = await startCloudFormationFake();
    try {
      const post = (
        body: string,
        headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded', authorization: 'AWS4-HMAC-SHA256 Credential=x' },
      ) => fetch(cfn.url, { method: 'POST', headers, body });
      const res = await post('Action=UpdateTerminationProtection&Version=2010-05-15&StackName=x');
      expect(res.status).toBe(400);
      expect(await res.text()).toContain('<Code>InvalidAction</Code>');
      await post('Action=DescribeStacks&Version=2010-05-15', { 'content-type': 'application/x-www-form-urlencoded' });
      await post('Action=DescribeStacks&Version=2011-01-01');
      expect(cfn.unexpected).toHaveLength(3);
      expect(() => cfn.assertNoUnexpected()).toThrow(/CloudFormation fake saw unexpected requests/);
      expect(cfn.requests).toEqual([]);
    } finally {
      await cfn.close();
    }
  });

  it('CloudFormation XML helpers: member lists in order, errors in the AWS shape', () => {
    const form = new URLSearchParams(
      'Parameters.member.2.ParameterKey=B&Parameters.member.1.ParameterKey=A&Parameters.member.1.UsePreviousValue=true&Capabilities.member.1=CAPABILITY_IAM',
    );
    expect(formList(form, 'Parameters')).toEqual([{ ParameterKey: 'A', UsePreviousValue: 'true' }, { ParameterKey: 'B' }]);
    expect(formList(form, 'Capabilities')).toEqual([{ _: 'CAPABILITY_IAM' }]);
    expect(queryError('Sender', 'ValidationError', 'Stack <x> does not exist', 'r1')).toBe(
      '<ErrorResponse xmlns="http://cloudformation.amazonaws.com/doc/2010-05-15/"><Error><Type>Sender</Type><Code>ValidationError</Code><Message>Stack &lt;x&gt; does not exist</Message></Error><RequestId>r1</RequestId></ErrorResponse>',
    );
  });

  it('GoCD and the service fake flag anything but their own GETs', async () => {
    const gocd = await startGoCdFake();
    const svc = await startServiceVersionFake();
    try {
      await fetch(`${gocd.url}/api/pipelines/x/history`); // no GoCD Accept header
      await fetch(`${gocd.url}/api/pipelines/x/schedule`, { method: 'POST', headers: { accept: 'application/vnd.go.cd.v1+json' } });
      expect(gocd.unexpected).toEqual(['GET /go/api/pipelines/x/history without a GoCD API Accept header', 'POST /go/api/pipelines/x/schedule']);
      expect((await fetch(`${svc.url}/global/metapod/api/version`)).status).toBe(404);
      expect(svc.unexpected).toEqual(['GET /global/metapod/api/version']);
    } finally {
      await Promise.all([gocd.close(), svc.close()]);
    }
  });
});
