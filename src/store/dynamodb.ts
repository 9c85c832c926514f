import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  ConditionalCheckFailedException,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  UpdateItemCommand,
  type QueryCommandInput,
} from '@aws-sdk/client-dynamodb';
import type { AuditEntry, NewAuditEntry, Operation, OperationState } from '../operations/types';
import { ensureStoreTable, INDEX, type StoreTableOptions } from './dynamodb-table';
import { DynamoOutbox } from './dynamodb-outbox';
import type { NewOutboxMessage, OutboxMessage } from './outbox';
import { ACTIVE_STATES, VersionConflictError, type OperationStore } from './store';
import { auditValues, indexAttributes, KEY_PREFIX, n, NAMES, OP_PREFIX, parseAudit, parseDoc, s, SETTING_PREFIX, type Item } from './dynamodb-item';

/**
 * The store for several replicas: one DynamoDB item per operation holding its JSON document, its
 * version and its audit trail. Every state change is one UpdateItem conditioned on the version the
 * writer read, and appends its audit entries in that same write, so a lost race changes nothing.
 * Listings use sparse global indexes (by creation, by state, by correlation key).
 */
export class DynamoStore implements OperationStore {
  private readonly outbox: DynamoOutbox;

  private constructor(
    private readonly client: DynamoDBClient,
    private readonly table: string,
    private readonly now: () => Date,
  ) {
    this.outbox = new DynamoOutbox(client, table, now);
  }

  /** Opens the store, creating the table (and waiting for it) when it does not exist. */
  static async open(client: DynamoDBClient, table: string, now: () => Date = () => new Date(), options: StoreTableOptions = {}): Promise<DynamoStore> {
    await ensureStoreTable(client, table, options);
    return new DynamoStore(client, table, now);
  }

  async insert(op: Operation, audit: NewAuditEntry[]): Promise<Operation> {
    const stored = { ...op, version: 1 };
    try {
      await this.client.send(
        new PutItemCommand({
          TableName: this.table,
          Item: {
            ...indexAttributes(stored),
            pk: s(OP_PREFIX + op.id),
            doc: s(JSON.stringify(stored)),
            version: n(1),
            audit: { L: auditValues(audit, this.now) },
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException) throw new VersionConflictError(op.id);
      throw err;
    }
    return stored;
  }

  async get(id: string): Promise<Operation | undefined> {
    const out = await this.client.send(
      new GetItemCommand({
        TableName: this.table,
        Key: { pk: s(OP_PREFIX + id) },
        ConsistentRead: true,
        ProjectionExpression: '#doc',
        ExpressionAttributeNames: { '#doc': 'doc' },
      }),
    );
    return out.Item ? parseDoc(out.Item) : undefined;
  }

  async update(op: Operation, audit: NewAuditEntry[]): Promise<Operation> {
    const stored = { ...op, version: op.version + 1 };
    const index = indexAttributes(stored);
    try {
      await this.client.send(
        new UpdateItemCommand({
          TableName: this.table,
          Key: { pk: s(OP_PREFIX + op.id) },
          UpdateExpression: 'SET #doc = :doc, #version = :next, #state = :state, #audit = list_append(if_not_exists(#audit, :empty), :audit)',
          ConditionExpression: '#version = :expected',
          ExpressionAttributeNames: NAMES,
          ExpressionAttributeValues: {
            ':doc': s(JSON.stringify(stored)),
            ':next': n(stored.version),
            ':expected': n(op.version),
            ':state': index.state!,
            ':audit': { L: auditValues(audit, this.now) },
            ':empty': { L: [] },
          },
        }),
      );
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException) throw new VersionConflictError(op.id);
      throw err;
    }
    return stored;
  }

  async appendAudit(operationId: string, audit: NewAuditEntry[]): Promise<void> {
    if (audit.length === 0) return;
    await this.client.send(
      new UpdateItemCommand({
        TableName: this.table,
        Key: { pk: s(OP_PREFIX + operationId) },
        UpdateExpression: 'SET #audit = list_append(if_not_exists(#audit, :empty), :audit)',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeNames: { '#audit': 'audit' },
        ExpressionAttributeValues: { ':audit': { L: auditValues(audit, this.now) }, ':empty': { L: [] } },
      }),
    );
  }

  async listRecent(limit: number): Promise<Operation[]> {
    const items = await this.query(
      { IndexName: INDEX.byCreated, KeyConditionExpression: 'gsiAll = :all', ExpressionAttributeValues: { ':all': s('ops') }, ScanIndexForward: false },
      limit,
    );
    return items.map(parseDoc);
  }

  async listByState(states: readonly OperationState[]): Promise<Operation[]> {
    const lists = await Promise.all(
      states.map((state) =>
        this.query({
          IndexName: INDEX.byState,
          KeyConditionExpression: '#state = :state',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: { ':state': s(state) },
        }),
      ),
    );
    return lists.flat().map(parseDoc);
  }

  async findActiveByKey(correlationKey: string): Promise<Operation | undefined> {
    const items = await this.query({
      IndexName: INDEX.byKey,
      KeyConditionExpression: 'correlationKey = :key',
      ExpressionAttributeValues: { ':key': s(correlationKey) },
      ScanIndexForward: false,
    });
    return items.map(parseDoc).find((op) => ACTIVE_STATES.includes(op.state));
  }

  async findLatestByKey(correlationKey: string): Promise<Operation | undefined> {
    const [item] = await this.query(
      {
        IndexName: INDEX.byKey,
        KeyConditionExpression: 'correlationKey = :key',
        ExpressionAttributeValues: { ':key': s(correlationKey) },
        ScanIndexForward: false,
      },
      1,
    );
    return item && parseDoc(item);
  }

  async auditTrail(operationId: string): Promise<AuditEntry[]> {
    const out = await this.client.send(
      new GetItemCommand({
        TableName: this.table,
        Key: { pk: s(OP_PREFIX + operationId) },
        ConsistentRead: true,
        ProjectionExpression: '#audit',
        ExpressionAttributeNames: { '#audit': 'audit' },
      }),
    );
    const list = out.Item?.audit?.L ?? [];
    return list.map((value, i) => parseAudit(operationId, i + 1, value));
  }

  async getSetting(key: string): Promise<string | undefined> {
    const res = await this.client.send(new GetItemCommand({ TableName: this.table, Key: { pk: s(SETTING_PREFIX + key) }, ConsistentRead: true }));
    return res.Item?.value?.S;
  }

  async putSetting(key: string, value: string): Promise<void> {
    await this.client.send(new PutItemCommand({ TableName: this.table, Item: { pk: s(SETTING_PREFIX + key), value: s(value) } }));
  }

  async remember(key: string, ttlMs: number): Promise<boolean> {
    const now = this.now().getTime();
    const expiresAt = now + ttlMs;
    try {
      await this.client.send(
        new PutItemCommand({
          TableName: this.table,
          // `ttl` (epoch seconds) lets DynamoDB's TTL delete old keys: retention stays bounded.
          Item: { pk: s(KEY_PREFIX + key), expiresAt: n(expiresAt), ttl: n(Math.ceil(expiresAt / 1000) + 60) },
          ConditionExpression: 'attribute_not_exists(pk) OR expiresAt <= :now',
          ExpressionAttributeValues: { ':now': n(now) },
        }),
      );
      return true;
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException) return false;
      throw err;
    }
  }

  outboxAdd(message: NewOutboxMessage, owner: string, leaseUntil: number): Promise<void> {
    return this.outbox.add(message, owner, leaseUntil);
  }

  outboxClaim(owner: string, leaseUntil: number, limit: number): Promise<OutboxMessage[]> {
    return this.outbox.claim(owner, leaseUntil, limit);
  }

  outboxRetry(id: string, owner: string, notBefore: number, leaseUntil: number): Promise<boolean> {
    return this.outbox.retry(id, owner, notBefore, leaseUntil);
  }

  outboxDone(id: string, owner: string, ts: string | undefined): Promise<boolean> {
    return this.outbox.done(id, owner, ts);
  }

  async ping(): Promise<void> {
    await this.client.send(new GetItemCommand({ TableName: this.table, Key: { pk: s('ping') } }));
  }

  close(): Promise<void> {
    this.client.destroy();
    return Promise.resolve();
  }

  /** Every page of a query, up to `limit` items. */
  private async query(input: Omit<QueryCommandInput, 'TableName'>, limit = Infinity): Promise<Item[]> {
    const items: Item[] = [];
    let start: Item | undefined;
    do {
      const out = await this.client.send(
        new QueryCommand({ ...input, TableName: this.table, ExclusiveStartKey: start, Limit: Number.isFinite(limit) ? limit - items.length : undefined }),
      );
      items.push(...(out.Items ?? []));
      start = out.LastEvaluatedKey;
    } while (start && items.length < limit);
    return items;
  }
}
