import { z } from 'zod';
import type { ParseResult } from '../../operations/runbook';
import { showInput } from '../../util/text';

const NAME = /^[a-z][a-z0-9-]{0,62}$/;
export const SHA = /^[0-9a-f]{7,40}$/;

export const RollbackInput = z.object({
  service: z.string().regex(NAME),
  /** Empty: the global stack, or every shard found. */
  shards: z.array(z.string().regex(NAME)).max(30),
  /** A short or full SHA; absent: the newest good build older than the deployed one. */
  to: z.string().regex(SHA).optional(),
  inPlace: z.boolean(),
});
export type RollbackInput = z.infer<typeof RollbackInput>;

export const ROLLBACK_USAGE = ['/runbook rollback <service> [--shard <name>...] [--to <sha>] [--in-place]'];

/** Parses `rollback <service> [--shard <name>]... [--to <sha>] [--in-place]`; every problem explained in words. */
export function parseRollback(args: string[]): ParseResult<RollbackInput> {
  let service: string | undefined;
  const shards: string[] = [];
  let to: string | undefined;
  let inPlace = false;
  const words = args.flatMap((w) => (/^--(shard|to)=/.test(w) ? [w.slice(0, w.indexOf('=')), w.slice(w.indexOf('=') + 1)] : [w]));
  for (let i = 0; i < words.length; i++) {
    const word = words[i]!;
    const flag = word.toLowerCase();
    if (flag === '--shard' || flag === '--to') {
      const value = words[i + 1];
      if (value === undefined || value.startsWith('--')) return { ok: false, error: `\`${flag}\` needs a value.` };
      i += 1;
      if (flag === '--shard') {
        const shard = value.toLowerCase();
        if (!NAME.test(shard)) return { ok: false, error: `${showInput(value)} is not a shard name (lowercase letters, digits and dashes, like \`s0\`).` };
        if (shard === 'global') return { ok: false, error: '`global` is not a shard: leave out `--shard` to roll back a global service.' };
        if (!shards.includes(shard)) shards.push(shard);
      } else {
        if (to !== undefined) return { ok: false, error: '`--to` was given twice: give one version.' };
        const sha = value.toLowerCase();
        if (!SHA.test(sha)) return { ok: false, error: `${showInput(value)} is not a commit SHA: give 7 to 40 hexadecimal characters, like \`6c957ed\` (what \`git rev-parse --short\` prints).` };
        to = sha;
      }
    } else if (flag === '--in-place') {
      inPlace = true;
    } else if (word.startsWith('-')) {
      return { ok: false, error: `Unknown option ${showInput(word)}: use \`--shard\`, \`--to\` or \`--in-place\`.` };
    } else if (service === undefined) {
      const name = word.toLowerCase();
      if (!NAME.test(name)) return { ok: false, error: `${showInput(word)} is not a service name (lowercase letters, digits and dashes, like \`metapod\`).` };
      service = name;
    } else {
      return { ok: false, error: `Unexpected word ${showInput(word)}: give one service per rollback.` };
    }
  }
  if (service === undefined) return { ok: false, error: 'Say which service to roll back, e.g. `/runbook rollback metapod`.' };
  return { ok: true, value: { service, shards, to, inPlace } };
}
