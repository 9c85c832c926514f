/**
 * The smallest source edits that stop a dataset or model from running tomorrow (design.md: leave
 * neighbours such as `FxModelFeatures` next to `FxModel` untouched), and the policy model list.
 * Both files are read with real parsers (code/): an edit is proposed only when the edited file
 * parses again and breaks no name; otherwise the result says why there is no edit.
 */
import { removeModelFromDag } from './code/dag-edit';
import { readPolicyModels, type PolicyRead } from './code/dag-policy';
import { commentOutDatasetEntry } from './code/scala-datasets';

export { pascalCase } from './code/scala-datasets';
export type { PolicyRead } from './code/dag-policy';

export interface SourceEdit {
  /** 1-based number of the first changed line. */
  line: number;
  /** The whole edited file. */
  content: string;
  /** The unified diff of the whole change, shown in the preview. */
  diff: string;
}

export type EditResult = { ok: true; edit: SourceEdit } | { ok: false; reason: string };

/** The policy model list of the DAG file: resolved to task ids, absent, or the entry the bot could not read. */
export function parsePolicyModels(source: string): Promise<PolicyRead> {
  return readPolicyModels(source);
}

/** Removes model `base` (its task and every reference to it) from the DAG file. */
export async function removeModel(source: string, base: string, file: string): Promise<EditResult> {
  const result = await removeModelFromDag(source, base, file);
  return result.ok ? { ok: true, edit: { line: result.line, content: result.content, diff: result.diff } } : result;
}

/** Comments out itaipu's entry for dataset `base` (`dataset.FxModel,` for `dataset/fx-model`). */
export async function commentOutDataset(source: string, base: string, file: string, note: string): Promise<EditResult> {
  const result = await commentOutDatasetEntry(source, base, file, note);
  return result.ok ? { ok: true, edit: { line: result.line, content: result.content, diff: result.diff } } : result;
}
