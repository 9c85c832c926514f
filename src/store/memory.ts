import type { AuditEntry, NewAuditEntry, Operation, OperationState } from '../operations/types';
import { ACTIVE_STATES, VersionConflictError, type OperationStore } from './store';
import { claimableInOrder, type NewOutboxMessage, type OutboxMessage } from './outbox';

interface StoredOutbox extends OutboxMessage {
  owner?: string;
  leaseUntil: number;
  done: boolean;
  ts?: string;
}

const clone = <T>(value: T): T => structuredClone(value);

/** An in-process store for unit tests and the sandbox. Same semantics as the SQLite store. */
export class MemoryStore implements OperationStore {
  private readonly ops = new Map<string, Operation>();
  private readonly audit = new Map<string, AuditEntry[]>();
  private readonly keys = new Map<string, number>();
  private readonly settings = new Map<string, string>();
  private readonly outbox = new Map<string, StoredOutbox>();

  constructor(private readonly now: () => Date = () => new Date()) {}

  insert(op: Operation, audit: NewAuditEntry[]): Promise<Operation> {
    if (this.ops.has(op.id)) return Promise.reject(new VersionConflictError(op.id));
    const stored = { ...clone(op), version: 1 };
    this.ops.set(op.id, stored);
    this.append(op.id, audit);
    return Promise.resolve(clone(stored));
  }

  get(id: string): Promise<Operation | undefined> {
    const op = this.ops.get(id);
    return Promise.resolve(op && clone(op));
  }

  update(op: Operation, audit: NewAuditEntry[]): Promise<Operation> {
    const current = this.ops.get(op.id);
    if (!current || current.version !== op.version) return Promise.reject(new VersionConflictError(op.id));
    const stored = { ...clone(op), version: op.version + 1 };
    this.ops.set(op.id, stored);
    this.append(op.id, audit);
    return Promise.resolve(clone(stored));
  }

  appendAudit(operationId: string, audit: NewAuditEntry[]): Promise<void> {
    this.append(operationId, audit);
    return Promise.resolve();
  }

  listRecent(limit: number): Promise<Operation[]> {
    const all = [...this.ops.values()].sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b.id.localeCompare(a.id));
    return Promise.resolve(all.slice(0, limit).map(clone));
  }

  listByState(states: readonly OperationState[]): Promise<Operation[]> {
    return Promise.resolve([...this.ops.values()].filter((op) => states.includes(op.state)).map(clone));
  }

  findActiveByKey(correlationKey: string): Promise<Operation | undefined> {
    const found = [...this.ops.values()]
      .filter((op) => op.correlationKey === correlationKey && ACTIVE_STATES.includes(op.state))
      .sort((a, b) => b.createdAt.localeCompare(a.createdAt))[0];
    return Promise.resolve(found && clone(found));
  }

  findLatestByKey(correlationKey: string): Promise<Operation | undefined> {
    const found = [...this.ops.values()].filter((op) => op.correlationKey === correlationKey).sort((a, b) => b.createdAt.localeCompare(a.createdAt))[0];
    return Promise.resolve(found && clone(found));
  }

  auditTrail(operationId: string): Promise<AuditEntry[]> {
    return Promise.resolve(clone(this.audit.get(operationId) ?? []));
  }

  getSetting(key: string): Promise<string | undefined> {
    return Promise.resolve(this.settings.get(key));
  }

  putSetting(key: string, value: string): Promise<void> {
    this.settings.set(key, value);
    return Promise.resolve();
  }

  remember(key: string, ttlMs: number): Promise<boolean> {
    const now = this.now().getTime();
    const until = this.keys.get(key);
    if (until !== undefined && until > now) return Promise.resolve(false);
    this.keys.set(key, now + ttlMs);
    return Promise.resolve(true);
  }

  outboxAdd(message: NewOutboxMessage, owner: string, leaseUntil: number): Promise<void> {
    if (!this.outbox.has(message.id)) this.outbox.set(message.id, { ...clone(message), attempts: 0, notBefore: 0, owner, leaseUntil, done: false });
    return Promise.resolve();
  }

  outboxClaim(owner: string, leaseUntil: number, limit: number): Promise<OutboxMessage[]> {
    const now = this.now().getTime();
    const pending = [...this.outbox.values()].filter((m) => !m.done).map((m) => ({ ...m, free: m.leaseUntil <= now && m.notBefore <= now }));
    const claimed = claimableInOrder(pending).slice(0, limit);
    for (const m of claimed) Object.assign(this.outbox.get(m.id)!, { owner, leaseUntil });
    return Promise.resolve(claimed.map(({ id, thread, method, args, attempts, notBefore }) => clone({ id, thread, method, args, attempts, notBefore })));
  }

  outboxRetry(id: string, owner: string, notBefore: number, leaseUntil: number): Promise<boolean> {
    const m = this.outbox.get(id);
    if (!m || m.done || m.owner !== owner) return Promise.resolve(false);
    Object.assign(m, { attempts: m.attempts + 1, notBefore, leaseUntil });
    return Promise.resolve(true);
  }

  outboxDone(id: string, owner: string, ts: string | undefined): Promise<boolean> {
    const m = this.outbox.get(id);
    if (!m || m.done || m.owner !== owner) return Promise.resolve(false);
    Object.assign(m, { done: true, ts });
    return Promise.resolve(true);
  }

  ping(): Promise<void> {
    return Promise.resolve();
  }

  close(): Promise<void> {
    return Promise.resolve();
  }

  private append(operationId: string, audit: NewAuditEntry[]): void {
    const trail = this.audit.get(operationId) ?? [];
    for (const entry of audit) {
      trail.push({ ...clone(entry), operationId, seq: trail.length + 1, at: entry.at ?? this.now().toISOString() });
    }
    this.audit.set(operationId, trail);
  }
}
