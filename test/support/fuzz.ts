/** A small seeded PRNG (mulberry32), so a failing fuzz case can be replayed from its seed. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface Gen {
  random: () => number;
  int(max: number): number;
  pick<T>(items: readonly T[]): T;
  chance(p: number): boolean;
}

export function gen(seed: number): Gen {
  const random = rng(seed);
  return {
    random,
    int: (max) => Math.floor(random() * max),
    pick: (items) => items[Math.floor(random() * items.length)]!,
    chance: (p) => random() < p,
  };
}

const VALID_UUID = '5f2c0a4e-8d1b-4c3a-9f6e-1b2c3d4e5f60';

/** Words an attacker or a tired engineer might type, including everything a shell or Slack treats specially. */
const WORDS = [
  'retract',
  'RETRACT',
  'attribute',
  'indexed-attribute',
  'committed-dataset',
  'dataset',
  'help',
  'status',
  'rollback',
  'aurora',
  'dagao',
  'datomic',
  'build-failure',
  '--to',
  '--shard',
  '--in-place',
  '--tx',
  '--env',
  'prod',
  VALID_UUID,
  VALID_UUID.toUpperCase(),
  '5f2c0a4e‐8d1b‐4c3a‐9f6e‐1b2c3d4e5f60',
  'op-aaaaaaaa',
  'op-',
  'op-AAAAAAAA',
  '; rm -rf /',
  '$(id)',
  '`reboot`',
  '&&',
  '|',
  '>',
  '<',
  '&amp;',
  '&lt;script&gt;',
  '<@U123>',
  '<!channel>',
  '<https://evil.example|click>',
  '%00',
  '\u0000',
  '\u202e',
  '🔥',
  'ação',
  '中文',
  '\n',
  '\t',
  '\r\n',
  '"',
  "'",
  '\\',
  '../../etc/passwd',
  '-1',
  '1e309',
  'NaN',
  'null',
  'undefined',
  '{}',
  '[]',
  '__proto__',
  'constructor',
  'x'.repeat(300),
];

/** A generated `/runbook` text: a few words, sometimes huge, sometimes raw noise. */
export function commandText(g: Gen): string {
  if (g.chance(0.03)) return 'A'.repeat(400 + g.int(100_000));
  if (g.chance(0.05)) return Array.from({ length: g.int(60) }, () => String.fromCharCode(g.int(0xffff))).join('');
  const words = Array.from({ length: g.int(6) }, () => g.pick(WORDS));
  return words.join(g.pick([' ', '  ', '\t', '\n', ' \u00a0 ']));
}

/** A user id as a forger might send it. */
export function userId(g: Gen): string {
  return g.pick(['UREQ', 'UAPP', 'U' + 'X'.repeat(g.int(5000)), '', 'ureq', 'U123<script>', 'W0123ABC', 'USLACKBOT', '\u202eUAPP', 'U' + g.int(1e9)]);
}
