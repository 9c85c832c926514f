import { z } from 'zod';

/**
 * How one field of a runbook's `args` schema is written on the slash command and shown in a form.
 * The contract between a runbook's declaration, the generated command parser and help, and the modal
 * form: a field is either positional (its place among the words after the subcommand) or a flag.
 */
export interface ArgMeta {
  /** Label in the form and placeholder in usage lines, e.g. `dataset id`. */
  label: string;
  /** 0-based place among the words after the subcommand; omitted for a flag. */
  positional?: number;
  /** Flag name without dashes (`--env prod` or `--env=prod`); omitted for a positional field. */
  flag?: string;
  /** One line of help, shown under the field in the form and in `/runbook help <name>`. */
  description?: string;
  /** An example value for usage lines and the form's placeholder. */
  example?: string;
  /**
   * A read-only lookup that lists the choices for the form's select menu (e.g. `services`,
   * `datomic-tables`, `dagao-failed-tasks`, `aurora-jobs`). Unknown or failing lookups fall back to a
   * text input; the value is always validated by the schema, never trusted because it was offered.
   */
  lookup?: string;
}

/** The registry that carries each field's ArgMeta (zod 4 metadata kept outside the schema). */
export const argRegistry = z.registry<ArgMeta>();

/** Attaches how a field is written and shown to its schema; returns the same schema. */
export function arg<T extends z.ZodType>(schema: T, meta: ArgMeta): T {
  argRegistry.add(schema, meta);
  return schema;
}

/** The ArgMeta of a field, or undefined when the field was declared without `arg()`. */
export function argMetaOf(schema: z.ZodType): ArgMeta | undefined {
  return argRegistry.get(schema);
}

/** A runbook's arguments: an object schema whose every field was declared with `arg()`. */
export type ArgsSchema = z.ZodObject<Record<string, z.ZodType>>;
