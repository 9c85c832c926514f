/**
 * Reading Sonar's uncommitted entries the way the runbook does ("Determining if it was the dataset or
 * model that failed"): entries are grouped by base name, and a group with an uncommitted dataset means
 * the dataset failed (taking its model with it); a group with only models means the model failed.
 */

export type FailedKind = 'dataset' | 'model';

export interface FailureGroup {
  /** e.g. `fx-model` for `dataset/fx-model`, `model/fx-model-avro`, `dataset/fx-model-csv-gz`. */
  base: string;
  /** The Sonar names in this group, as Sonar gave them (sorted). */
  names: string[];
  failed: FailedKind;
  /** Whether a model of the same base is uncommitted too (a failed dataset took its model with it). */
  modelAffected: boolean;
}

export interface Classification {
  groups: FailureGroup[];
  /** Names that are neither `dataset/...` nor `model/...` (shown, never acted on). */
  other: string[];
  /** The nightly run is still going: many entries are simply not built yet. */
  inProgress: boolean;
  /** Bases whose build task failed in Airflow: the likely failures among the uncommitted entries. */
  likely: string[];
}

/** Output variants of one dataset or model (`-avro`, `-csv-gz`...), longest first. */
const VARIANT_SUFFIXES = ['-csv-gz', '-json-gz', '-parquet', '-avro', '-csv', '-json', '-orc'];
/** More uncommitted groups than this and the run is read as still in progress. */
export const IN_PROGRESS_GROUPS = 3;

/** Airflow task ids of a base: itaipu builds the dataset (`itaipu-fx-model`), the model task is the base itself (runbook.md). */
export const datasetTaskId = (base: string): string => `itaipu-${base}`;
export const modelTaskId = (base: string): string => base;

/** `dataset/fx-model-csv-gz` -> kind `dataset`, base `fx-model`; undefined for anything else. */
export function parseEntry(name: string): { kind: FailedKind; base: string } | undefined {
  const m = /^(dataset|model)\/([a-z0-9][a-z0-9._-]*)$/i.exec(name.trim());
  if (!m) return undefined;
  let base = m[2]!.toLowerCase();
  const suffix = VARIANT_SUFFIXES.find((s) => base.endsWith(s) && base.length > s.length);
  if (suffix) base = base.slice(0, -suffix.length);
  return { kind: m[1]!.toLowerCase() as FailedKind, base };
}

/** Groups the uncommitted names and says what failed; `failedTasks` are Airflow task ids in state `failed`. */
export function classify(names: string[], options: { runInProgress?: boolean; failedTasks?: string[] } = {}): Classification {
  const byBase = new Map<string, { names: string[]; dataset: boolean; model: boolean }>();
  const other: string[] = [];
  for (const name of names) {
    const entry = parseEntry(name);
    if (!entry) {
      other.push(name);
      continue;
    }
    const group = byBase.get(entry.base) ?? { names: [], dataset: false, model: false };
    group.names.push(name);
    group[entry.kind] = true;
    byBase.set(entry.base, group);
  }
  const groups = [...byBase.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([base, g]): FailureGroup => ({ base, names: [...g.names].sort(), failed: g.dataset ? 'dataset' : 'model', modelAffected: g.model }));
  const failed = new Set(options.failedTasks ?? []);
  const likely = groups.filter((g) => failed.has(datasetTaskId(g.base)) || failed.has(modelTaskId(g.base))).map((g) => g.base);
  return { groups, other, inProgress: options.runInProgress === true || groups.length > IN_PROGRESS_GROUPS, likely };
}

/** The sentence the runbook would say about one group. */
export function describeGroup(group: FailureGroup): string {
  if (group.failed === 'model') return `Only the model \`${group.base}\` failed; its dataset was committed.`;
  return group.modelAffected ? `The dataset \`${group.base}\` failed, and took its model \`${group.base}\` with it.` : `The dataset \`${group.base}\` failed.`;
}

export type TargetChoice = { kind: 'one'; group: FailureGroup } | { kind: 'none' } | { kind: 'several'; bases: string[] } | { kind: 'unknown'; only: string };

/** Which failure this operation handles: the one named, else the only (likely) one. */
export function chooseTarget(c: Classification, only?: string): TargetChoice {
  if (only !== undefined) {
    const group = c.groups.find((g) => g.base === only);
    return group ? { kind: 'one', group } : { kind: 'unknown', only };
  }
  const candidates = c.likely.length > 0 ? c.groups.filter((g) => c.likely.includes(g.base)) : c.groups;
  if (candidates.length === 0) return { kind: 'none' };
  if (candidates.length > 1) return { kind: 'several', bases: candidates.map((g) => g.base) };
  return { kind: 'one', group: candidates[0]! };
}
