import type { SimulatedBackend } from '../backends';
import { startCloudFormationFake, type FakeStack } from '../fakes/cloudformation';
import { startGoCdFake, type FakeRunSpec } from '../fakes/gocd';
import { startHttpServer } from '../fakes/http-server';

/** A full SHA made of one repeated hex word (readable in the page), and its 7-character version. */
const sha = (word: string): string => word.repeat(40).slice(0, 40);
const short = (full: string): string => full.slice(0, 7);
export const ROLLBACK_SHAS = { older: sha('01de'), good: sha('600d'), bad: sha('bad0'), broken: sha('f00f') };
const GOCD_TOKEN = 'sandbox-gocd-token';

/** A service's build history: 40 older, 41 good, 42 bad (deployed now), 43 a failed newer build. */
function history(pipeline: string): FakeRunSpec[] {
  const { older, good, bad, broken } = ROLLBACK_SHAS;
  return [
    { pipeline, counter: 40, sha: older, author: 'Bia Souza <bia@example.com>', message: 'Index the new column' },
    { pipeline, counter: 41, sha: good, author: 'Ana Lima <ana@example.com>', message: 'Retry on throttling' },
    { pipeline, counter: 42, sha: bad, author: 'Rui Costa <rui@example.com>', message: 'Switch the serializer' },
    { pipeline, counter: 43, sha: broken, state: 'failed', message: 'Bump the client library' },
  ];
}

/**
 * GoCD, shared by the rollback (service builds, to-prod) and the dagão (itaipu and aurora-jobs deploys
 * shortly before the failed run).
 */
export const gocdSimulation: SimulatedBackend = {
  name: 'gocd',
  async start() {
    const fake = await startGoCdFake({ token: GOCD_TOKEN });
    fake.setRuns('metapod', history('metapod'));
    fake.setRuns('correnteza', history('correnteza'));
    fake.setRuns('to-prod', [{ pipeline: 'to-prod', counter: 9, upstream: ['metapod/42/release/1', 'correnteza/42/release/1'] }]);
    // Deploys a few hours before the seeded dagão failure (see simulated/dagao.ts).
    const recent = (h: number): Date => new Date(Date.now() - h * 3_600_000);
    fake.setRuns('itaipu', [
      {
        pipeline: 'itaipu',
        counter: 3120,
        sha: sha('1a1b'),
        author: 'Carla Dias <carla@example.com>',
        message: 'Add the fx-model dataset',
        scheduledAt: recent(5),
      },
      {
        pipeline: 'itaipu',
        counter: 3121,
        sha: sha('2c2d'),
        author: 'Rui Costa <rui@example.com>',
        message: 'Change the risk-score join',
        scheduledAt: recent(2),
      },
    ]);
    fake.setRuns('aurora-jobs', [
      {
        pipeline: 'aurora-jobs',
        counter: 877,
        sha: sha('3e3f'),
        author: 'Bia Souza <bia@example.com>',
        message: 'Raise the cluster size',
        scheduledAt: recent(8),
      },
    ]);
    return {
      env: { GOCD_URL: fake.url, GOCD_TOKEN },
      examples: [],
      // The last few reads only: the rollback and the dagão read the history often.
      state: () => ({
        pipelines: ['metapod', 'correnteza', 'to-prod', 'itaipu', 'aurora-jobs'],
        reads: fake.requests.length,
        lastReads: fake.requests.slice(-5).map((r) => `${r.method} ${r.path}`),
        unexpected: fake.unexpected,
      }),
      close: () => fake.close(),
    };
  },
};

/** Versions a stack's instances answer on /api/version: each color's version once per running instance. */
function answersOf(stack: FakeStack): string[] {
  const p = stack.parameters;
  return ['Blue', 'Green'].flatMap((color) => Array<string>(Number(p[`${color}InstanceCount`] ?? 0)).fill(p[`${color}Version`] ?? ''));
}

/**
 * CloudFormation with blue/green stacks (`metapod` global, `correnteza` on two shards), and the services
 * behind them answering /api/version with whatever version the stack currently runs.
 */
export const rollbackSimulation: SimulatedBackend = {
  name: 'cloudformation',
  async start({ latencyMs }) {
    const cfn = await startCloudFormationFake();
    // An update takes a few polls, so the thread shows resources changing.
    cfn.updatePolls = 4;
    const { older, bad } = ROLLBACK_SHAS;
    const blueGreen = (count: number): Record<string, string> => ({
      Environment: 'prod',
      BlueVersion: short(bad),
      BlueInstanceCount: String(count),
      GreenVersion: short(older),
      GreenInstanceCount: '0',
      Subnets: 'subnet-a,subnet-b',
    });
    cfn.addStack('prod-global-k-metapod', blueGreen(3));
    cfn.addStack('prod-s0-k-correnteza', blueGreen(2));
    cfn.addStack('prod-s1-k-correnteza', blueGreen(2));
    const turn = new Map<string, number>();
    const versionRequests: string[] = [];
    const services = await startHttpServer((req, res) => {
      const m = /^\/([\w-]+)\/([\w-]+)\/api\/version$/.exec(req.url ?? '');
      const stack = m ? cfn.stacks.get(`prod-${m[1]}-k-${m[2]}`) : undefined;
      const answers = stack ? answersOf(stack) : [];
      if (!m || req.method !== 'GET' || answers.length === 0) {
        res.writeHead(404).end('not found');
        return;
      }
      // Round robin over the instances, like the load balancer in front of both colors.
      const key = `${m[1]}/${m[2]}`;
      const n = turn.get(key) ?? 0;
      turn.set(key, n + 1);
      versionRequests.push(key);
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ version: answers[n % answers.length] }));
    });
    return {
      env: { AWS_ENDPOINT_URL_CLOUDFORMATION: cfn.url, SERVICE_URL_TEMPLATE: `${services.url}/{shard}/{service}` },
      examples: [
        { label: 'Roll back metapod (global)', command: 'rollback metapod' },
        { label: 'Roll back correnteza on shard s1', command: 'rollback correnteza --shard s1' },
      ],
      // Real CloudFormation takes minutes; the simulation polls quickly so a rehearsal takes seconds.
      botOverrides: {
        rollbackTiming: {
          waiter: { maxWaitSeconds: 120, minDelaySeconds: 0.3, maxDelaySeconds: 0.6 },
          eventsEveryMs: Math.max(100, latencyMs),
          verify: { intervalMs: Math.max(20, latencyMs / 4), timeoutMs: 60_000, needed: 3, window: 10, settledWindow: 5 },
          historyLimit: 25,
        },
      },
      tour: [
        {
          say: 'Build #42 of metapod broke production. alice asks for a rollback: the bot reads the stack and the GoCD history, and previews a change set that brings the idle Green color up on the last good build, #41.',
          as: 'UALICE',
          command: 'rollback metapod',
        },
        {
          say: 'bruno approves the deploy. The bot executes the change set, follows the stack events, then checks /api/version until the good build answers.',
          as: 'UBRUNO',
          click: 'op_approve',
          after: 'Awaiting approval',
        },
        {
          say: 'Taking the bad color down is destructive, so it needs two approvers: bruno first…',
          as: 'UBRUNO',
          click: 'op_approve',
          after: 'Needs 2 more approvals',
        },
        {
          say: '…then carla. The bot scales Blue to zero and checks that only the good build answers now.',
          as: 'UCARLA',
          click: 'op_approve',
          after: 'Needs 1 more approval',
        },
        { say: 'Done: metapod runs build #41 on Green, and the CloudFormation panel shows both executed change sets.', after: 'Succeeded' },
      ],
      state: () => ({
        stacks: [...cfn.stacks.values()].map((s) => ({ name: s.name, status: s.status, parameters: s.parameters })),
        mutatingCalls: cfn.mutatingCalls(),
        versionRequests: versionRequests.length,
        unexpected: cfn.unexpected,
      }),
      close: async () => {
        await Promise.all([cfn.close(), services.close()]);
      },
    };
  },
};
