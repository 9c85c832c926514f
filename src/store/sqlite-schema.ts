// The file's layout and its upgrades, apart from the queries (sqlite.ts): a schema change is read and
// reviewed here, next to the migrations that bring older files up to it.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS operations (
  id TEXT PRIMARY KEY,
  state TEXT NOT NULL,
  version INTEGER NOT NULL,
  created_at TEXT NOT NULL,
  correlation_key TEXT,
  doc TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS operations_by_state ON operations(state);
CREATE INDEX IF NOT EXISTS operations_by_created ON operations(created_at);
CREATE TABLE IF NOT EXISTS audit (
  operation_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  at TEXT NOT NULL,
  actor TEXT NOT NULL,
  type TEXT NOT NULL,
  detail TEXT NOT NULL,
  PRIMARY KEY (operation_id, seq)
);
CREATE TRIGGER IF NOT EXISTS audit_is_append_only_u BEFORE UPDATE ON audit
  BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER IF NOT EXISTS audit_is_append_only_d BEFORE DELETE ON audit
  BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TABLE IF NOT EXISTS settings (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS outbox (
  id TEXT PRIMARY KEY,
  thread TEXT NOT NULL,
  method TEXT NOT NULL,
  args TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  not_before INTEGER NOT NULL DEFAULT 0,
  owner TEXT,
  lease_until INTEGER NOT NULL,
  done INTEGER NOT NULL DEFAULT 0,
  ts TEXT
);
CREATE INDEX IF NOT EXISTS outbox_pending ON outbox(done, id);
CREATE TABLE IF NOT EXISTS idempotency_keys (
  key TEXT PRIMARY KEY,
  expires_at INTEGER NOT NULL
);
`;

/** Opens (creating it if needed) the store's SQLite file in WAL mode, with the current schema. */
export function openSqliteFile(path: string): Database.Database {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path, { timeout: 5000 });
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec(SCHEMA);
  migrate(db);
  return db;
}

/** Brings files written by older versions up to date; `user_version` records how far they got. */
function migrate(db: Database.Database): void {
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version < 1) {
    db.transaction(() => {
      const columns = db.prepare('PRAGMA table_info(operations)').all() as { name: string }[];
      if (!columns.some((c) => c.name === 'correlation_key')) db.exec('ALTER TABLE operations ADD COLUMN correlation_key TEXT');
      db.exec('CREATE INDEX IF NOT EXISTS operations_by_key ON operations(correlation_key, created_at)');
      db.pragma('user_version = 1');
    }).immediate();
  }
}
