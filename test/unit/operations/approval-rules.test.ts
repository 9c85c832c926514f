import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseConfigFile } from '../../../src/config-file/load';
import { describeRule, evaluateRule, requiredApprovals, resolveRules, targetsOf, type OnCallDirectory } from '../../../src/operations/approval-rules';
import type { Approval } from '../../../src/operations/types';
import { FakeDirectory } from '../builders';

const FILE = `
approvals:
  oncall:
    schedules:
      - { name: data-infra, provider: pagerduty, schedule: PDINFRA }
  policies:
    - name: datomic-prod
      runbooks: [datomic]
      targets: ['prod-*-datomic']
      approvers: { groups: [SDATAINFRA], oncall: [data-infra] }
      exclude: { users: [UINTERN] }
      requireOnCall: data-infra
    - name: rollback-destructive
      runbooks: [rollback]
      risks: [destructive]
      count: 3
      approvers: { users: [ULEAD1, ULEAD2, ULEAD3] }
    - name: too-few
      runbooks: [retract]
      count: 1
`;
const section = parseConfigFile(FILE).approvals;

const approval = (userId: string, onCall?: boolean): Approval => ({
  userId,
  stepId: 's1',
  fingerprint: 'f'.repeat(16),
  at: '2026-12-05T10:00:00Z',
  ...(onCall === undefined ? {} : { onCall }),
});
const oncall = (users: string[] | Error): OnCallDirectory => ({
  onCallNow: () => (users instanceof Error ? Promise.reject(users) : Promise.resolve({ userIds: users, unmapped: [] })),
});

describe('resolveRules', () => {
  it('without policies reproduces the defaults: 1 mutating, 2 destructive, APPROVERS when set', () => {
    const none = parseConfigFile('').approvals;
    expect(resolveRules(none, [], 'retract', [])).toEqual({
      mutating: { risk: 'mutating', count: 1, exclude: { users: [], groups: [] } },
      destructive: { risk: 'destructive', count: 2, exclude: { users: [], groups: [] } },
    });
    const rules = resolveRules(none, ['UBOSS', 'SONCALL'], 'retract', []);
    expect(rules.mutating?.approvers).toEqual({ users: ['UBOSS'], groups: ['SONCALL'], oncall: [] });
    expect(describeRule(rules.mutating!)).toBe('needs 1 of <@UBOSS>, <!subteam^SONCALL>, not the requester');
  });

  it('matches runbook, target glob and risk; the first match wins', () => {
    const datomic = resolveRules(section, [], 'datomic', ['analytics', 'prod-s3-analytics-datomic']);
    expect(datomic.mutating?.policy).toBe('datomic-prod');
    expect(describeRule(datomic.mutating!)).toBe(
      'needs 1 of <!subteam^SDATAINFRA>, whoever is on call for data-infra, not the requester, not <@UINTERN>; one of them on call for data-infra',
    );
    // Another target: the policy does not apply.
    expect(resolveRules(section, [], 'datomic', ['staging-analytics']).mutating?.policy).toBeUndefined();
    const rollback = resolveRules(section, [], 'rollback', ['metapod']);
    expect(rollback.mutating?.policy).toBeUndefined();
    expect(rollback.destructive).toMatchObject({ policy: 'rollback-destructive', count: 3 });
  });

  it('never lowers the four-eyes minimum', () => {
    const rules = resolveRules(section, [], 'retract', []);
    expect(rules.destructive?.count).toBe(2);
    expect(requiredApprovals({ approvalRules: rules }, { risk: 'destructive' })).toBe(2);
    expect(requiredApprovals({}, { risk: 'mutating' })).toBe(1);
  });
});

describe('targetsOf', () => {
  it('reads service, table and job from the input and the facts', () => {
    expect(targetsOf({ service: 'analytics', prototype: 's3' }, { table: 'prod-s3-analytics-datomic' })).toEqual(['analytics', 'prod-s3-analytics-datomic']);
    expect(targetsOf({ verb: 'kill', job: 'etl-nightly' }, {})).toEqual(['etl-nightly']);
    expect(targetsOf('not an object', {})).toEqual([]);
  });
});

describe('evaluateRule', () => {
  const rule = resolveRules(section, [], 'datomic', ['prod-s3-analytics-datomic']).mutating!;
  const groups = new FakeDirectory({ SDATAINFRA: ['UMEMBER', 'UINTERN'] });

  it('refuses excluded users even inside a listed group', async () => {
    expect(await evaluateRule(rule, [], 'UINTERN', { groups, oncall: oncall(['UINTERN']) })).toMatchObject({ allowed: false, code: 'excluded' });
  });

  it('lets whoever is on call approve and records it', async () => {
    expect(await evaluateRule(rule, [], 'UPAGED', { groups, oncall: oncall(['UPAGED']) })).toEqual({ allowed: true, onCall: true });
  });

  it('refuses the last approval when nobody on call approved', async () => {
    const decision = await evaluateRule(rule, [], 'UMEMBER', { groups, oncall: oncall(['UPAGED']) });
    expect(decision).toMatchObject({ allowed: false, code: 'not_on_call' });
  });

  it('accepts a second approver off call once someone on call approved', async () => {
    const two = { ...rule, count: 2 };
    expect(await evaluateRule(two, [approval('UPAGED', true)], 'UMEMBER', { groups, oncall: oncall(['UPAGED']) })).toEqual({ allowed: true, onCall: false });
    expect(await evaluateRule(two, [approval('UOTHER', false)], 'UMEMBER', { groups, oncall: oncall(['UPAGED']) })).toMatchObject({ code: 'not_on_call' });
  });

  it('fails closed when the on-call lookup fails', async () => {
    const decision = await evaluateRule(rule, [], 'UMEMBER', { groups, oncall: oncall(new Error('PagerDuty answered 500')) });
    expect(decision).toMatchObject({ allowed: false, code: 'lookup_failed' });
    expect(decision.allowed === false && decision.reason).toMatch(/who is on call for data-infra.*PagerDuty answered 500.*Nothing was approved/);
    expect(await evaluateRule(rule, [], 'UMEMBER', { groups })).toMatchObject({ allowed: false, code: 'lookup_failed' });
  });
});

describe('the approvals section of runbook-bot.yml', () => {
  it('names the line of a policy that uses an undeclared schedule', () => {
    expect(() => parseConfigFile('approvals:\n  policies:\n    - requireOnCall: nobody\n')).toThrow(
      /runbook-bot\.yml:3 approvals\.policies\.0\.requireOnCall: no schedule named nobody/,
    );
  });

  it('refuses a PagerDuty schedule with neither a schedule nor an escalation policy', () => {
    expect(() => parseConfigFile('approvals:\n  oncall:\n    schedules:\n      - { name: x, provider: pagerduty }\n')).toThrow(
      /exactly one of schedule and escalationPolicy/,
    );
  });
});

describe('the README example of the approvals section', () => {
  it('is a valid runbook-bot.yml', () => {
    const readme = readFileSync(join(__dirname, '../../../README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('### Approvals in `runbook-bot.yml`'));
    const yaml = section.slice(section.indexOf('```yaml\n') + 8, section.indexOf('```\n', section.indexOf('```yaml\n') + 8));
    const parsed = parseConfigFile(yaml).approvals;
    expect(parsed.policies.map((p) => p.name ?? '(unnamed)')).toEqual(['datomic-prod', '(unnamed)']);
    expect(parsed.oncall.schedules.map((s) => s.provider)).toEqual(['pagerduty', 'opsgenie']);
  });
});
