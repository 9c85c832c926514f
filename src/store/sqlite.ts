import type Database from 'better-sqlite3';
import type { AuditEntry, NewAuditEntry, Operation, OperationState } from '../operations/types';
import { ACTIVE_STATES, VersionConflictError, type OperationStore } from './store';
import { claimableInOrder, type NewOutboxMessage, type OutboxMessage } from './outbox';
import { openSqliteFile } from './sqlite-schema';

interface AuditRow {
  operation_id: string;
  seq: number;
  at: string;
  actor: string;
  type: string;
  detail: string;
}

/**
 * The default store: one SQLite file in WAL mode. Every state change is a compare-and-set on the
 * version inside an IMMEDIATE transaction, so several processes sharing the file never both win.
 */
export class SqliteStore implements OperationStore {
  private readonly db: Database.Database;
  private writes = 0;
  // Compiling SQL costs more than running these small statements: each is prepared once per store.
  private readonly statements = new Map<string, Database.Statement>();
  // One transaction wrapper for every write (better-sqlite3 builds a new one per db.transaction call).
  private readonly transaction: Database.Transaction<(fn: () => unknown) => unknown>;

  constructor(
    path: string,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.db = openSqliteFile(path);
    this.transaction = this.db.transaction((fn: () => unknown) => fn());
  }

  insert(op: Operation, audit: NewAuditEntry[]): Promise<Operation> {
    const stored = { ...op, version: 1 };
    return this.write(() => {
      const result = this.sql('INSERT OR IGNORE INTO operations (id, state, version, created_at, correlation_key, doc) VALUES (?, ?, 1, ?, ?, ?)').run(
        op.id,
        op.state,
        op.createdAt,
        op.correlationKey ?? null,
        JSON.stringify(stored),
      );
      if (result.changes !== 1) throw new VersionConflictError(op.id);
      this.appendRows(op.id, audit);
      return stored;
    });
  }

  get(id: string): Promise<Operation | undefined> {
    const row = this.sql('SELECT doc FROM operations WHERE id = ?').get(id) as { doc: string } | undefined;
    return Promise.resolve(row ? (JSON.parse(row.doc) as Operation) : undefined);
  }

  update(op: Operation, audit: NewAuditEntry[]): Promise<Operation> {
    const stored = { ...op, version: op.version + 1 };
    return this.write(() => {
      const result = this.sql('UPDATE operations SET state = ?, version = ?, doc = ? WHERE id = ? AND version = ?').run(
        stored.state,
        stored.version,
        JSON.stringify(stored),
        op.id,
        op.version,
      );
      if (result.changes !== 1) throw new VersionConflictError(op.id);
      this.appendRows(op.id, audit);
      return stored;
    });
  }

  appendAudit(operationId: string, audit: NewAuditEntry[]): Promise<void> {
    return this.write(() => this.appendRows(operationId, audit));
  }

  listRecent(limit: number): Promise<Operation[]> {
    const rows = this.sql('SELECT doc FROM operations ORDER BY created_at DESC, id DESC LIMIT ?').all(limit) as { doc: string }[];
    return Promise.resolve(rows.map((r) => JSON.parse(r.doc) as Operation));
  }

  listByState(states: readonly OperationState[]): Promise<Operation[]> {
    if (states.length === 0) return Promise.resolve([]);
    const marks = states.map(() => '?').join(', ');
    const rows = this.sql(`SELECT doc FROM operations WHERE state IN (${marks})`).all(...states) as { doc: string }[];
    return Promise.resolve(rows.map((r) => JSON.parse(r.doc) as Operation));
  }

  findActiveByKey(correlationKey: string): Promise<Operation | undefined> {
    const marks = ACTIVE_STATES.map(() => '?').join(', ');
    const row = this.sql(`SELECT doc FROM operations WHERE correlation_key = ? AND state IN (${marks}) ORDER BY created_at DESC LIMIT 1`).get(
      correlationKey,
      ...ACTIVE_STATES,
    ) as { doc: string } | undefined;
    return Promise.resolve(row ? (JSON.parse(row.doc) as Operation) : undefined);
  }

  findLatestByKey(correlationKey: string): Promise<Operation | undefined> {
    const row = this.sql('SELECT doc FROM operations WHERE correlation_key = ? ORDER BY created_at DESC LIMIT 1').get(correlationKey) as
      { doc: string } | undefined;
    return Promise.resolve(row ? (JSON.parse(row.doc) as Operation) : undefined);
  }

  auditTrail(operationId: string): Promise<AuditEntry[]> {
    const rows = this.sql('SELECT * FROM audit WHERE operation_id = ? ORDER BY seq').all(operationId) as AuditRow[];
    return Promise.resolve(
      rows.map((r) => ({
        operationId: r.operation_id,
        seq: r.seq,
        at: r.at,
        actor: r.actor,
        type: r.type as AuditEntry['type'],
        detail: JSON.parse(r.detail) as Record<string, unknown>,
      })),
    );
  }

  getSetting(key: string): Promise<string | undefined> {
    const row = this.sql('SELECT value FROM settings WHERE key = ?').get(key) as { value: string } | undefined;
    return Promise.resolve(row?.value);
  }

  putSetting(key: string, value: string): Promise<void> {
    this.sql('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value').run(key, value);
    return Promise.resolve();
  }

  remember(key: string, ttlMs: number): Promise<boolean> {
    const now = this.now().getTime();
    try {
      // Expired keys are pruned now and then so the table stays bounded.
      if (++this.writes % 500 === 0) this.sql('DELETE FROM idempotency_keys WHERE expires_at <= ?').run(now);
      // One statement is atomic on its own (SQLite takes the write lock for it, waiting up to the busy
      // timeout): no explicit transaction, which would cost a BEGIN and a COMMIT on every delivery.
      const result = this.sql(
        `INSERT INTO idempotency_keys (key, expires_at) VALUES (?, ?)
         ON CONFLICT(key) DO UPDATE SET expires_at = excluded.expires_at WHERE idempotency_keys.expires_at <= ?`,
      ).run(key, now + ttlMs, now);
      return Promise.resolve(result.changes === 1);
    } catch (err) {
      return Promise.reject(err instanceof Error ? err : new Error(String(err)));
    }
  }

  outboxAdd(message: NewOutboxMessage, owner: string, leaseUntil: number): Promise<void> {
    return this.write(() => {
      this.sql('INSERT OR IGNORE INTO outbox (id, thread, method, args, owner, lease_until) VALUES (?, ?, ?, ?, ?, ?)').run(
        message.id,
        message.thread,
        message.method,
        JSON.stringify(message.args),
        owner,
        leaseUntil,
      );
    });
  }

  outboxClaim(owner: string, leaseUntil: number, limit: number): Promise<OutboxMessage[]> {
    const now = this.now().getTime();
    return this.write(() => {
      const rows = this.sql('SELECT id, thread, method, args, attempts, not_before, lease_until FROM outbox WHERE done = 0 ORDER BY id').all() as {
        id: string;
        thread: string;
        method: 'chat.postMessage';
        args: string;
        attempts: number;
        not_before: number;
        lease_until: number;
      }[];
      const claimed = claimableInOrder(rows.map((r) => ({ ...r, free: r.lease_until <= now && r.not_before <= now }))).slice(0, limit);
      const take = this.sql('UPDATE outbox SET owner = ?, lease_until = ? WHERE id = ?');
      for (const r of claimed) take.run(owner, leaseUntil, r.id);
      return claimed.map((r) => ({
        id: r.id,
        thread: r.thread,
        method: r.method,
        args: JSON.parse(r.args) as Record<string, unknown>,
        attempts: r.attempts,
        notBefore: r.not_before,
      }));
    });
  }

  outboxRetry(id: string, owner: string, notBefore: number, leaseUntil: number): Promise<boolean> {
    return this.write(
      () =>
        this.sql('UPDATE outbox SET attempts = attempts + 1, not_before = ?, lease_until = ? WHERE id = ? AND owner = ? AND done = 0').run(
          notBefore,
          leaseUntil,
          id,
          owner,
        ).changes === 1,
    );
  }

  outboxDone(id: string, owner: string, ts: string | undefined): Promise<boolean> {
    return this.write(() => this.sql('UPDATE outbox SET done = 1, ts = ? WHERE id = ? AND owner = ? AND done = 0').run(ts ?? null, id, owner).changes === 1);
  }

  ping(): Promise<void> {
    this.sql('SELECT 1').get();
    return Promise.resolve();
  }

  close(): Promise<void> {
    if (this.db.open) this.db.close();
    return Promise.resolve();
  }

  /** The cached prepared statement for `source`. */
  private sql(source: string): Database.Statement {
    let statement = this.statements.get(source);
    if (!statement) {
      statement = this.db.prepare(source);
      this.statements.set(source, statement);
    }
    return statement;
  }

  private write<T>(fn: () => T): Promise<T> {
    try {
      return Promise.resolve(this.transaction.immediate(fn) as T);
    } catch (err) {
      return Promise.reject(err instanceof Error ? err : new Error(String(err)));
    }
  }

  private appendRows(operationId: string, audit: NewAuditEntry[]): void {
    if (audit.length === 0) return;
    const { next } = this.sql('SELECT COALESCE(MAX(seq), 0) + 1 AS next FROM audit WHERE operation_id = ?').get(operationId) as { next: number };
    const insert = this.sql('INSERT INTO audit (operation_id, seq, at, actor, type, detail) VALUES (?, ?, ?, ?, ?, ?)');
    audit.forEach((entry, i) => {
      insert.run(operationId, next + i, entry.at ?? this.now().toISOString(), entry.actor, entry.type, JSON.stringify(entry.detail));
    });
  }
}
