import {
  ConditionalCheckFailedException,
  PutItemCommand,
  QueryCommand,
  UpdateItemCommand,
  type AttributeValue,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { INDEX } from './dynamodb-table';
import type { NewOutboxMessage, OutboxMessage } from './outbox';

type Item = Record<string, AttributeValue>;
const PREFIX = 'outbox#';
/** Unposted messages carry `state = outbox` and sort by id in the sparse byState index; posting removes it. */
const PENDING = 'outbox';
const s = (value: string): AttributeValue => ({ S: value });
const n = (value: number): AttributeValue => ({ N: String(value) });

/** The DynamoDB store's outbox: one item per message, claimed and settled with conditional writes. */
export class DynamoOutbox {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly table: string,
    private readonly now: () => Date,
  ) {}

  async add(message: NewOutboxMessage, owner: string, leaseUntil: number): Promise<void> {
    try {
      await this.client.send(
        new PutItemCommand({
          TableName: this.table,
          Item: {
            pk: s(PREFIX + message.id),
            state: s(PENDING),
            createdSort: s(message.id),
            doc: s(JSON.stringify(message)),
            attempts: n(0),
            notBefore: n(0),
            owner: s(owner),
            leaseUntil: n(leaseUntil),
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    } catch (err) {
      if (!(err instanceof ConditionalCheckFailedException)) throw err;
    }
  }

  async claim(owner: string, leaseUntil: number, limit: number): Promise<OutboxMessage[]> {
    const now = this.now().getTime();
    const items: Item[] = [];
    let start: Item | undefined;
    do {
      const out = await this.client.send(
        new QueryCommand({
          TableName: this.table,
          IndexName: INDEX.byState,
          KeyConditionExpression: '#state = :state',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: { ':state': s(PENDING) },
          ExclusiveStartKey: start,
        }),
      );
      items.push(...(out.Items ?? []));
      start = out.LastEvaluatedKey;
    } while (start);
    const blocked = new Set<string>();
    const claimed: OutboxMessage[] = [];
    // Index order is id order; the index only lists candidates, the conditional write decides.
    for (const item of items) {
      if (claimed.length >= limit) break;
      const message = JSON.parse(item.doc?.S ?? '{}') as NewOutboxMessage;
      if (blocked.has(message.thread)) continue;
      try {
        const out = await this.client.send(
          new UpdateItemCommand({
            TableName: this.table,
            Key: { pk: s(PREFIX + message.id) },
            UpdateExpression: 'SET #owner = :owner, leaseUntil = :lease',
            ConditionExpression: 'attribute_exists(#state) AND leaseUntil <= :now AND notBefore <= :now',
            ExpressionAttributeNames: { '#owner': 'owner', '#state': 'state' },
            ExpressionAttributeValues: { ':owner': s(owner), ':lease': n(leaseUntil), ':now': n(now) },
            ReturnValues: 'ALL_NEW',
          }),
        );
        claimed.push({ ...message, attempts: Number(out.Attributes?.attempts?.N ?? 0), notBefore: Number(out.Attributes?.notBefore?.N ?? 0) });
      } catch (err) {
        if (!(err instanceof ConditionalCheckFailedException)) throw err;
        blocked.add(message.thread); // held by someone else, not due, or posted meanwhile: the thread waits
      }
    }
    return claimed;
  }

  retry(id: string, owner: string, notBefore: number, leaseUntil: number): Promise<boolean> {
    return this.settle(id, owner, 'SET notBefore = :nb, leaseUntil = :lease ADD attempts :one', { ':nb': n(notBefore), ':lease': n(leaseUntil), ':one': n(1) });
  }

  done(id: string, owner: string, ts: string | undefined): Promise<boolean> {
    // Removing `state` takes the message out of the index: claims never see it again.
    return this.settle(id, owner, 'SET posted = :ts REMOVE #state', { ':ts': s(ts ?? '') });
  }

  private async settle(id: string, owner: string, update: string, values: Item): Promise<boolean> {
    try {
      await this.client.send(
        new UpdateItemCommand({
          TableName: this.table,
          Key: { pk: s(PREFIX + id) },
          UpdateExpression: update,
          ConditionExpression: 'attribute_exists(#state) AND #owner = :owner',
          ExpressionAttributeNames: { '#owner': 'owner', '#state': 'state' },
          ExpressionAttributeValues: { ...values, ':owner': s(owner) },
        }),
      );
      return true;
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException) return false;
      throw err;
    }
  }
}
