import { crc32, inflateSync } from 'node:zlib';

/** A decoded 8-bit RGB PNG: its size and the colour of each pixel as 6 hex digits. */
export interface DecodedPng {
  width: number;
  height: number;
  chunkTypes: string[];
  hex(x: number, y: number): string;
}

/**
 * A decoder for what our own encoder writes (8-bit truecolour, no interlace, every row filter 0):
 * anything else fails the test instead of being decoded wrong. Every chunk's CRC is checked.
 */
export function decodePng(png: Buffer): DecodedPng {
  if (!png.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) throw new Error('not a PNG signature');
  const chunks: { type: string; data: Buffer }[] = [];
  for (let at = 8; at < png.length;) {
    const length = png.readUInt32BE(at);
    const body = png.subarray(at + 4, at + 8 + length);
    if (png.readUInt32BE(at + 8 + length) !== crc32(body)) throw new Error(`bad CRC in chunk ${body.subarray(0, 4).toString('ascii')}`);
    chunks.push({ type: body.subarray(0, 4).toString('ascii'), data: body.subarray(4) });
    at += 12 + length;
  }
  const ihdr = chunks[0];
  if (ihdr?.type !== 'IHDR') throw new Error('IHDR is not the first chunk');
  const width = ihdr.data.readUInt32BE(0);
  const height = ihdr.data.readUInt32BE(4);
  if (ihdr.data[8] !== 8 || ihdr.data[9] !== 2 || ihdr.data[12] !== 0) throw new Error('only 8-bit RGB without interlace is decoded here');
  const rows = inflateSync(Buffer.concat(chunks.filter((c) => c.type === 'IDAT').map((c) => c.data)));
  const stride = width * 3 + 1;
  if (rows.length !== stride * height) throw new Error(`IDAT holds ${rows.length} bytes, ${stride * height} expected`);
  for (let y = 0; y < height; y += 1) if (rows[y * stride] !== 0) throw new Error(`row ${y} uses filter ${rows[y * stride]}, only 0 is decoded here`);
  return {
    width,
    height,
    chunkTypes: chunks.map((c) => c.type),
    hex: (x, y) => rows.subarray(y * stride + 1 + x * 3, y * stride + 1 + x * 3 + 3).toString('hex'),
  };
}
