import { z } from 'zod';
import type { ParseResult } from '../../operations/runbook';
import { showInput } from '../../util/text';

const SERVICE = /^[a-z][a-z0-9-]{0,62}$/;
const ENV = /^[a-z][a-z0-9]{0,15}$/;
const PROTOTYPE = /^(s\d{1,3}|global)$/;

export const DatomicInput = z.object({
  service: z.string().regex(SERVICE),
  env: z.string().regex(ENV),
  prototype: z.string().regex(PROTOTYPE).optional(),
});
export type DatomicInput = z.infer<typeof DatomicInput>;

export const DATOMIC_USAGE = ['/runbook datomic <service> [--env prod] [--prototype <p>]   (e.g. `datomic analytics --prototype s3`)'];

/** Parses `datomic <service> [--env <env>] [--prototype <p>]`; every problem is explained in words. */
export function parseDatomic(args: string[]): ParseResult<DatomicInput> {
  let service: string | undefined;
  let env: string | undefined;
  let prototype: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const word = args[i]!;
    const flag = /^--(env|prototype)(?:=(.*))?$/.exec(word);
    if (flag) {
      const value = flag[2] ?? args[++i];
      if (value === undefined || value === '') return { ok: false, error: `\`--${flag[1]}\` needs a value.` };
      const v = value.toLowerCase();
      if (flag[1] === 'env') {
        if (env !== undefined) return { ok: false, error: '`--env` is given twice.' };
        if (!ENV.test(v)) return { ok: false, error: `${showInput(value)} is not an environment name (like \`prod\` or \`staging\`).` };
        env = v;
      } else {
        if (prototype !== undefined) return { ok: false, error: '`--prototype` is given twice.' };
        if (!PROTOTYPE.test(v)) return { ok: false, error: `${showInput(value)} is not a prototype: use \`s0\`, \`s1\`, … or \`global\`.` };
        prototype = v;
      }
      continue;
    }
    if (word.startsWith('--')) return { ok: false, error: `Unknown option ${showInput(word)}: use \`--env\` or \`--prototype\`.` };
    if (service !== undefined) return { ok: false, error: `Unexpected word ${showInput(word)}: give one service.` };
    const s = word.toLowerCase();
    if (!SERVICE.test(s)) return { ok: false, error: `${showInput(word)} is not a service name (lowercase letters, digits and dashes, like \`analytics\`).` };
    service = s;
  }
  if (service === undefined) return { ok: false, error: 'Say which service\'s Datomic table to look at, e.g. `datomic analytics`.' };
  return { ok: true, value: { service, env: env ?? 'prod', ...(prototype ? { prototype } : {}) } };
}
