import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ChannelMessage } from '../../../src/alarms/message';
import { ROUTABLE_RUNBOOKS } from '../../../src/config-file/alarm-routes';
import type { AnyRunbook, RunbookRegistry } from '../../../src/operations/runbook';

const FIXTURES = join(__dirname, '../../fixtures/alarms');

/** A fixture file as the message event the listener gets (`.txt`: the text of a paste). */
export function fixturePost(file: string): ChannelMessage {
  const raw = readFileSync(join(FIXTURES, file), 'utf8');
  const body = file.endsWith('.txt') ? { text: raw } : (JSON.parse(raw) as Omit<ChannelMessage, 'channel' | 'ts'>);
  return { channel: 'CDATAENG', ts: '1700000000.000100', ...body };
}

/** The routable runbooks with their real input schemas (their plans are not needed to route). */
export const ROUTING_RUNBOOKS: RunbookRegistry = new Map(
  Object.entries(ROUTABLE_RUNBOOKS).map(([name, inputSchema]) => [name, { name, title: name, inputSchema } as unknown as AnyRunbook]),
);
