import type { ResourceChangeInfo } from '../../actions/cloudformation/types';
import { UserFacingError } from '../../operations/runbook';

export type Color = 'Blue' | 'Green';
export const COLORS: readonly Color[] = ['Blue', 'Green'];

/** One color of a blue/green stack: its parameter keys and current values. */
export interface ColorState {
  color: Color;
  versionKey: string;
  countKey: string;
  version: string;
  count: number;
}
export type BlueGreen = Record<Color, ColorState>;

// Templates name the instance count differently; the version is always `<Color>Version`.
const COUNT_SUFFIXES = ['InstanceCount', 'Instances', 'DesiredCapacity', 'Count'];

export const other = (c: Color): Color => (c === 'Blue' ? 'Green' : 'Blue');

/** The stack of a service on a shard (`global` for global services). */
export function stackNameFor(service: string, shard: string): string {
  return `prod-${shard}-k-${service}`;
}

/** The Blue/Green parameters of a stack; a UserFacingError when the template has none. */
export function readBlueGreen(stack: string, parameters: Record<string, string>): BlueGreen {
  const read = (color: Color): ColorState => {
    const versionKey = `${color}Version`;
    const countKey = COUNT_SUFFIXES.map((s) => `${color}${s}`).find((k) => k in parameters);
    if (!(versionKey in parameters) || countKey === undefined) {
      throw new UserFacingError(
        `Stack \`${stack}\` has no Blue/Green parameters (looked for \`${color}Version\` and \`${color}InstanceCount\`, \`${color}Instances\`, \`${color}DesiredCapacity\` or \`${color}Count\`). It cannot be rolled back this way; follow the runbook by hand.`,
        'no_blue_green',
      );
    }
    const raw = parameters[countKey]!;
    const count = Number(raw);
    if (!/^\d+$/.test(raw) || !Number.isSafeInteger(count))
      throw new UserFacingError(`Stack \`${stack}\`: \`${countKey}\` is \`${raw}\`, not a number of instances.`, 'no_blue_green');
    return { color, versionKey, countKey, version: parameters[versionKey]!, count };
  };
  return { Blue: read('Blue'), Green: read('Green') };
}

/** Which color serves and which is idle (0 instances); refuses when it is not exactly one of each. */
export function liveAndIdle(stack: string, bg: BlueGreen): { live: ColorState; idle: ColorState } {
  const live = COLORS.filter((c) => bg[c].count > 0);
  if (live.length === 2) {
    throw new UserFacingError(
      `Both colors of \`${stack}\` have instances (Blue: ${bg.Blue.count} on \`${bg.Blue.version}\`, Green: ${bg.Green.count} on \`${bg.Green.version}\`). A deploy or rollback is half done: finish it (scale one color to 0) before rolling back.`,
      'both_colors_live',
    );
  }
  if (live.length === 0) throw new UserFacingError(`Neither color of \`${stack}\` has instances: there is nothing running to roll back.`, 'no_color_live');
  return { live: bg[live[0]!], idle: bg[other(live[0]!)] };
}

/** `key  old -> new` lines for the parameters a change set sets. */
export function parameterDiff(current: Record<string, string>, changes: Record<string, string>): string {
  const width = Math.max(...Object.keys(changes).map((k) => k.length));
  return Object.entries(changes)
    .map(([k, v]) => `${k.padEnd(width)}  ${current[k] ?? '(unset)'} -> ${v}`)
    .join('\n');
}

/** One line per resource a change set touches, replacements flagged loudly. */
export function describeResourceChanges(changes: ResourceChangeInfo[]): string {
  if (changes.length === 0) return '(no resource changes)';
  return changes
    .map((c) => {
      const replacement = c.replacement === 'True' ? '  !! REPLACEMENT' : c.replacement === 'Conditional' ? '  !! replacement possible' : '';
      return `${c.action} ${c.logicalId} (${c.resourceType})${replacement}`;
    })
    .join('\n');
}
