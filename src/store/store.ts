import type { AuditEntry, NewAuditEntry, Operation, OperationState } from '../operations/types';
import type { NewOutboxMessage, OutboxMessage } from './outbox';

/** States an operation can still move out of. */
export const ACTIVE_STATES: readonly OperationState[] = ['planned', 'awaiting_approval', 'approved', 'running'];

/** Thrown when a write lost a race: the stored version is not the one the writer read. */
export class VersionConflictError extends Error {
  readonly code = 'version_conflict';
  constructor(readonly operationId: string) {
    super(`Operation ${operationId} was changed by someone else`);
  }
}

/** Persistence for operations, their audit trail and idempotency keys. */
export interface OperationStore {
  /** Stores a new operation (version 1) with its first audit entries. */
  insert(op: Operation, audit: NewAuditEntry[]): Promise<Operation>;
  get(id: string): Promise<Operation | undefined>;
  /**
   * Replaces the operation if the stored version still equals `op.version`, appending `audit` in the
   * same atomic write. Returns the stored operation (version + 1); throws VersionConflictError otherwise.
   */
  update(op: Operation, audit: NewAuditEntry[]): Promise<Operation>;
  /** Appends audit entries without touching the operation. */
  appendAudit(operationId: string, audit: NewAuditEntry[]): Promise<void>;
  /** The newest operations first. */
  listRecent(limit: number): Promise<Operation[]>;
  listByState(states: readonly OperationState[]): Promise<Operation[]>;
  /** The newest operation with this correlation key that has not reached a final state. */
  findActiveByKey(correlationKey: string): Promise<Operation | undefined>;
  /** The newest operation with this correlation key, whatever its state. */
  findLatestByKey(correlationKey: string): Promise<Operation | undefined>;
  auditTrail(operationId: string): Promise<AuditEntry[]>;
  /** Records `key` once: true the first time within `ttlMs`, false for a repeat. */
  remember(key: string, ttlMs: number): Promise<boolean>;
  /** A small value every replica shares (e.g. the freeze); undefined when never set. */
  getSetting(key: string): Promise<string | undefined>;
  /** Sets a shared value; the last write wins. */
  putSetting(key: string, value: string): Promise<void>;
  /** Outbox: stores a message to post, held by `owner` until `leaseUntil` (epoch ms) so it posts it first. */
  outboxAdd(message: NewOutboxMessage, owner: string, leaseUntil: number): Promise<void>;
  /**
   * Outbox: takes up to `limit` unposted messages that are due and whose lease ran out, in id order per
   * thread (a thread whose earliest unposted message is held by someone else is skipped whole), and
   * holds them for `owner` until `leaseUntil`.
   */
  outboxClaim(owner: string, leaseUntil: number, limit: number): Promise<OutboxMessage[]>;
  /** Outbox: a failed attempt; retried not before `notBefore`, still held by `owner`. False when `owner` lost it. */
  outboxRetry(id: string, owner: string, notBefore: number, leaseUntil: number): Promise<boolean>;
  /** Outbox: Slack confirmed the message (`ts`), or it can never be posted: it is never sent again. */
  outboxDone(id: string, owner: string, ts: string | undefined): Promise<boolean>;
  /** Throws when the store cannot be used (health check). */
  ping(): Promise<void>;
  close(): Promise<void>;
}
