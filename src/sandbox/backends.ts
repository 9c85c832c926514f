import type { BotOverrides } from '../bot';
import { startMetapodFake } from './fakes/metapod';
import { buildFailureSimulation } from './simulated/build-failure';
import { dagaoSimulation } from './simulated/dagao';
import { datomicSimulation } from './simulated/datomic';
import { gocdSimulation, rollbackSimulation } from './simulated/rollback';
import { onCallSimulation } from './simulated/oncall';

/** A sample alarm the page can post into the channel, as its integration would. */
export interface SampleAlarm {
  label: string;
  /** Message text as the alarm integration posts it. */
  text: string;
  /** Block Kit layout of the post (e.g. AWS Chatbot's), when the integration sends one. */
  blocks?: unknown[];
  /** Who posts it: a bot integration (AWS Chatbot, Airflow) by default. */
  botId?: string;
  username?: string;
}

/** One step of the scripted tour: narration, then (as `as`) a command or a click on the newest message showing that button. */
export interface TourStep {
  say: string;
  as?: string;
  command?: string;
  click?: string;
  /** Post this backend's sample alarm (index into `alarms`), as its integration would. */
  alarm?: number;
  /** Before this step, wait until a message (or reply) posted since this walk's last command or alarm shows this text. */
  after?: string;
}

/** A running simulated backend. */
export interface RunningBackend {
  /** Environment for the bot's configuration (e.g. METAPOD_URL), pointing at this simulation. */
  env: Record<string, string>;
  /** Commands to try, shown in the page's menu. */
  examples: { label: string; command: string }[];
  alarms?: SampleAlarm[];
  /** The scripted walk through this backend's runbook (the page's "Play the tour"). */
  tour?: TourStep[];
  /** What the backend holds or received, as plain data for the page. */
  state(): unknown;
  /** Messages people posted in the channel before the sandbox started (e.g. the one naming a transaction). */
  seedMessages?: { author: string; text: string }[];
  /** Bot settings this simulation needs (e.g. shorter rollback waits than real CloudFormation). */
  botOverrides?: Partial<BotOverrides>;
  close(): Promise<void>;
}

/** One simulated backend. Each runbook's backend registers here (one entry) to be playable in the sandbox. */
export interface SimulatedBackend {
  name: string;
  /** `latencyMs`: how slowly the simulation answers, so progress and ordering look real; `env`: the sandbox's environment (e.g. SANDBOX_AIRFLOW). */
  start(opts: { latencyMs: number; env?: Record<string, string | undefined> }): Promise<RunningBackend>;
}

/** Datasets seeded into the simulated Metapod (ids as Metapod shows them). */
export const SEEDED_DATASETS = [
  { id: '5f2c0a4e-8d1b-4c3a-9f6e-1b2c3d4e5f60', name: 'dataset/fx-model', kind: 'committed-dataset' },
  { id: '0b9d8c7e-6f5a-4b3c-8d2e-1f0a9b8c7d6e', name: 'attribute customer__risk-score', kind: 'attribute' },
  { id: '7a6b5c4d-3e2f-4a1b-9c8d-7e6f5a4b3c2d', name: 'indexed attribute account__status', kind: 'indexed-attribute' },
] as const;

const metapod: SimulatedBackend = {
  name: 'metapod',
  async start({ latencyMs }) {
    const fake = await startMetapodFake();
    // Retracted entities, as the simulated Metapod now holds them.
    const retracted: { kind: string; id: string; name?: string; at: string }[] = [];
    fake.respond((req) => {
      const seeded = SEEDED_DATASETS.find((d) => d.id === req.id);
      retracted.push({ kind: req.kind, id: req.id, name: seeded?.name, at: new Date().toISOString() });
      return { delayMs: latencyMs, body: { retracted: req.id, kind: req.kind } };
    });
    return {
      env: { METAPOD_URL: fake.url },
      examples: SEEDED_DATASETS.map((d) => ({ label: `Retract ${d.name}`, command: `retract ${d.kind} ${d.id}` })),
      tour: [
        {
          say: `alice is on call. Bad data reached ${SEEDED_DATASETS[0].name}, so she asks the bot to retract it from Metapod. The bot posts a preview of the exact request.`,
          as: 'UALICE',
          command: `retract ${SEEDED_DATASETS[0].kind} ${SEEDED_DATASETS[0].id}`,
        },
        { say: 'She cannot approve her own request (four-eyes rule). Only she sees why.', as: 'UALICE', click: 'op_approve' },
        {
          say: 'bruno reviews the preview and approves. The bot sends the request once and reports the answer in the thread.',
          as: 'UBRUNO',
          click: 'op_approve',
        },
        { say: 'Done: the Metapod panel on the right shows the one request it received, and the message ends as succeeded.' },
      ],
      state: () => ({
        seeded: SEEDED_DATASETS,
        retracted,
        requests: fake.requests.map((r) => `${r.method} ${r.path}`),
        unexpected: fake.unexpected,
      }),
      close: () => fake.close(),
    };
  },
};

/**
 * Every simulated backend the sandbox starts. Runbooks that land later add theirs here (CloudFormation,
 * DynamoDB via dynalite, CloudWatch, Airflow, Sonar, GoCD, GitHub, the sabesp/nu CLIs).
 */
export const SANDBOX_BACKENDS: SimulatedBackend[] = [
  metapod,
  gocdSimulation,
  rollbackSimulation,
  datomicSimulation,
  dagaoSimulation,
  buildFailureSimulation,
  onCallSimulation,
];
