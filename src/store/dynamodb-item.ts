// How an operation and its audit trail are laid out in one DynamoDB item, apart from the reads and the
// conditional writes (dynamodb.ts): a change of layout is reviewed here, in one place.
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { AuditEntry, NewAuditEntry, Operation } from '../operations/types';

/** One DynamoDB item, attribute by attribute. */
export type Item = Record<string, AttributeValue>;

/** Audit entries as stored inside the operation's item (the operation id and seq are implied). */
interface StoredAudit {
  at: string;
  actor: string;
  type: AuditEntry['type'];
  detail: Record<string, unknown>;
}

/** Key prefixes of the item kinds sharing the table: operations, idempotency keys, settings. */
export const OP_PREFIX = 'op#';
export const KEY_PREFIX = 'idem#';
export const SETTING_PREFIX = 'setting#';
/** Names used in expressions: `state` is a DynamoDB reserved word. */
export const NAMES = { '#state': 'state', '#audit': 'audit', '#version': 'version', '#doc': 'doc' };

/** A string attribute. */
export const s = (value: string): AttributeValue => ({ S: value });
/** A number attribute. */
export const n = (value: number): AttributeValue => ({ N: String(value) });

/** Attributes the global indexes read; absent ones keep the item out of that (sparse) index. */
export function indexAttributes(op: Operation): Item {
  const item: Item = { gsiAll: s('ops'), state: s(op.state), createdSort: s(`${op.createdAt}#${op.id}`) };
  if (op.correlationKey) item.correlationKey = s(op.correlationKey);
  return item;
}

/** Audit entries as list elements of the item (each a JSON string), stamped now when they carry no time. */
export function auditValues(audit: NewAuditEntry[], now: () => Date): AttributeValue[] {
  return audit.map((entry) => {
    const stored: StoredAudit = { at: entry.at ?? now().toISOString(), actor: entry.actor, type: entry.type, detail: entry.detail };
    return s(JSON.stringify(stored));
  });
}

/** The operation document stored in an item. */
export function parseDoc(item: Item): Operation {
  return JSON.parse(item.doc?.S ?? 'null') as Operation;
}

/** The audit entry stored at position `seq` (1-based) of an operation's item. */
export function parseAudit(operationId: string, seq: number, value: AttributeValue): AuditEntry {
  return { operationId, seq, ...(JSON.parse(value.S ?? '{}') as StoredAudit) };
}
