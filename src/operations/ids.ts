import { randomBytes } from 'node:crypto';

const ALPHABET = 'abcdefghijkmnpqrstuvwxyz23456789';

/** A short operation id people can type (`op-` + 8 characters, 40 bits of randomness). */
export function newOperationId(): string {
  const bytes = randomBytes(8);
  let id = 'op-';
  for (const b of bytes) id += ALPHABET[b % ALPHABET.length];
  return id;
}

/** Operation ids are short and typed by hand; this is the shape we accept back. */
export const OPERATION_ID_PATTERN = /^op-[a-z0-9]{8}$/;
