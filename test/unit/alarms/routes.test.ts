import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AlarmDefinitions, enrichAlarm } from '../../../src/alarms/alarm-definitions';
import { defaultRoutes } from '../../../src/alarms/default-routes';
import { examine } from '../../../src/alarms/pipeline';
import { patternError } from '../../../src/alarms/route-patterns';
import { compileRoutes } from '../../../src/alarms/routes';
import { ConfigFileError, parseConfigFile } from '../../../src/config-file/load';
import { fixturePost, ROUTING_RUNBOOKS } from './corpus-helpers';

const builtIn = defaultRoutes({ dagaoDagId: 'dagao' });
const keyOf = async (file: string): Promise<string | undefined> =>
  (await examine(fixturePost(file), { routes: compileRoutes([], builtIn), runbooks: ROUTING_RUNBOOKS })).decision?.matched?.key;

describe('coalescing by routed target', () => {
  it('a Datomic self-destruct and a DynamoDB throttle alarm on the same table share one key', async () => {
    const selfDestruct = await keyOf('datomic-text.json'); // text post about prod-s3-analytics-datomic
    const throttle = await keyOf('chatbot-blocks.json'); // WriteThrottleEvents on TableName prod-s3-analytics-datomic
    expect(selfDestruct).toBe('datomic:{"env":"prod","prototype":"s3","service":"analytics"}');
    expect(throttle).toBe(selfDestruct);
    expect(await keyOf('chatbot-attachment-dynamodb-throttle.json')).not.toBe(selfDestruct); // another table
  });

  it('an Airflow failure with only the logical date and one with the run id of the same run share one key', async () => {
    const byDate = await keyOf('airflow-logical-date-only.json');
    const byRunId = await keyOf('airflow2-grid-link.json');
    expect(byDate).toBe('dagao:run:dagao:2026-12-04T00:00:00.000Z');
    expect(byRunId).toBe(byDate);
    expect(await keyOf('airflow3-run-link.json')).toBe('dagao:run:dagao:2026-12-05T10:00:00.000Z');
  });
});

describe('route patterns', () => {
  it('accepts globs and bounded regexes, refuses slow or broken ones with a reason', () => {
    expect(patternError('prod-*-datomic')).toBeUndefined();
    expect(patternError('/^(?<service>[a-z]+)-heartbeat$/i')).toBeUndefined();
    expect(patternError('/(a+)+$/')).toMatch(/repeats a group that itself repeats without bound/);
    expect(patternError('/(\\w*x)*y/')).toMatch(/repeats a group/);
    expect(patternError('/(a)\\1/')).toMatch(/backreference/);
    expect(patternError('/abc/g')).toMatch(/flag "g"/);
    expect(patternError('/[a-/')).toMatch(/not a valid regular expression/);
    expect(patternError(`/${'a'.repeat(400)}/`)).toMatch(/at most 300/);
  });
});

describe('alarms.routes in runbook-bot.yml', () => {
  it('loads a valid route and routes a custom alarm with a capture group before the built-in routes', async () => {
    const file = parseConfigFile(
      [
        'alarms:',
        '  routes:',
        '    - name: ledger-heartbeat',
        '      match:',
        '        source: cloudwatch',
        '        alarmName: "/^(?<service>[a-z]+)-transactor-heartbeat$/"',
        '        namespace: "Custom/*"',
        '      runbook: datomic',
        '      input: { service: "{service}", env: prod, prototype: s1 }',
      ].join('\n'),
    );
    const routes = compileRoutes(file.alarms.routes, builtIn);
    const seen = await examine(
      {
        channel: 'C1',
        ts: '1.1',
        text: '```{"AlarmName":"ledger-transactor-heartbeat","NewStateValue":"ALARM","Region":"US East (N. Virginia)","Trigger":{"Namespace":"Custom/Datomic","MetricName":"HeartbeatMsec","Dimensions":[]}}```',
      },
      { routes, runbooks: ROUTING_RUNBOOKS },
    );
    expect(seen.decision?.matched).toMatchObject({
      route: 'ledger-heartbeat',
      origin: 'configured',
      runbook: 'datomic',
      input: { service: 'ledger', env: 'prod', prototype: 's1' },
    });
  });

  it('loads docs/runbook-bot.example.yml, whose routes claim what they say', async () => {
    const file = parseConfigFile(readFileSync(join(__dirname, '../../../docs/runbook-bot.example.yml'), 'utf8'));
    const routes = compileRoutes(file.alarms.routes, builtIn);
    expect(routes.slice(0, 3).map((r) => r.spec.name)).toEqual(['ledger-transactor-heartbeat', 'legacy-ledger-table', 'build-agents-cpu']);
    const ignored = await examine(fixturePost('chatbot-blocks-no-account.json'), { routes, runbooks: ROUTING_RUNBOOKS });
    expect(ignored.decision?.matched).toMatchObject({ route: 'build-agents-cpu', ignore: true });
  });

  it('names the line and key of every bad route', () => {
    const text = [
      'alarms:',
      '  routes:',
      '    - name: slow',
      '      match: { alarmName: "/(a+)+$/" }',
      '      runbook: datomic',
      '      input: { service: "{service}", env: prod }',
      '    - name: wrong-input',
      '      match: { source: airflow }',
      '      runbook: datomic',
      '      input: { service: "{nope}", env: prod, color: red }',
      '    - name: dangerous',
      '      match: { source: cloudwatch }',
      '      runbook: retract',
    ].join('\n');
    let error: ConfigFileError | undefined;
    try {
      parseConfigFile(text);
    } catch (err) {
      error = err as ConfigFileError;
    }
    expect(error).toBeInstanceOf(ConfigFileError);
    const problems = error!.problems.join('\n');
    expect(problems).toMatch(/runbook-bot\.yml:4 alarms\.routes\.0\.match\.alarmName: the pattern .* repeats a group/);
    expect(problems).toMatch(/runbook-bot\.yml:10 alarms\.routes\.1\.input\.service: uses \{nope\}, which this route does not define/);
    expect(problems).toMatch(/runbook-bot\.yml:10 alarms\.routes\.1\.input\.color: is not an input of datomic/);
    expect(problems).toMatch(/runbook-bot\.yml:13 alarms\.routes\.2\.runbook: "retract" cannot be started from an alarm/);
  });
});

describe('CloudWatch definitions', () => {
  it('caches a definition, and routes on the post (saying so) when CloudWatch does not answer in time', async () => {
    let calls = 0;
    const slow = new AlarmDefinitions(() => (calls++, new Promise(() => undefined)), { deadlineMs: 30 });
    const [post] = [fixturePost('cloudwatch-text-alarm.txt')];
    const seen = await examine(post, { routes: compileRoutes([], builtIn), runbooks: ROUTING_RUNBOOKS, definitions: slow });
    expect(seen.cloudwatch).toEqual({ status: 'unavailable', reason: 'no answer within 30 ms' });
    expect(seen.decision?.matched).toBeUndefined(); // the post alone names no table

    const found = new AlarmDefinitions((name) => (calls++, Promise.resolve({ name, namespace: 'AWS/DynamoDB', dimensions: { TableName: 'prod-x-datomic' } })));
    const alarm = (await examine(post, { routes: [], runbooks: ROUTING_RUNBOOKS })).posted!;
    await enrichAlarm(alarm, found);
    const again = await enrichAlarm(alarm, found);
    expect(calls).toBe(2); // one slow call, one real call: the second read came from the cache
    expect(again.alarm).toMatchObject({ metric: { namespace: 'AWS/DynamoDB', dimensions: { TableName: 'prod-x-datomic' } } });
  });
});
