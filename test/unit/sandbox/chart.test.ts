import { crc32, inflateSync } from 'node:zlib';
import { capacityChartPng } from '../../../src/sandbox/simulated/chart';

/** The chunks of a PNG file: type, data, and whether the stored CRC matches. */
function chunks(png: Buffer): { type: string; data: Buffer; crcOk: boolean }[] {
  const out: { type: string; data: Buffer; crcOk: boolean }[] = [];
  for (let at = 8; at < png.length;) {
    const length = png.readUInt32BE(at);
    const body = png.subarray(at + 4, at + 8 + length);
    out.push({ type: body.subarray(0, 4).toString('ascii'), data: body.subarray(4), crcOk: png.readUInt32BE(at + 8 + length) === crc32(body) });
    at += 12 + length;
  }
  return out;
}

describe('the sandbox capacity chart', () => {
  const png = capacityChartPng([10, 20, 100, 40], 50);

  it('is a well-formed PNG: signature, IHDR 480x220 RGB, one IDAT, IEND, every CRC right', () => {
    expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    const list = chunks(png);
    expect(list.map((c) => c.type)).toEqual(['IHDR', 'IDAT', 'IEND']);
    expect(list.every((c) => c.crcOk)).toBe(true);
    const ihdr = list[0]!.data;
    expect([ihdr.readUInt32BE(0), ihdr.readUInt32BE(4), ihdr[8], ihdr[9]]).toEqual([480, 220, 8, 2]);
    expect(inflateSync(list[1]!.data)).toHaveLength((480 * 3 + 1) * 220);
  });

  it('draws the bar over capacity in another colour than the ones under it', () => {
    const rows = inflateSync(chunks(png)[1]!.data);
    const pixel = (x: number, y: number): string => rows.subarray(y * (480 * 3 + 1) + 1 + x * 3, y * (480 * 3 + 1) + 1 + x * 3 + 3).toString('hex');
    // Bars are 110 px apart from x=20; near the bottom every bar is drawn.
    const bottom = 220 - 25;
    const colours = [0, 1, 2, 3].map((i) => pixel(20 + 110 * i + 55, bottom));
    expect(colours[2]).not.toBe(colours[0]);
    expect(colours[0]).toBe(colours[1]);
    expect(colours[3]).toBe(colours[0]);
    expect(colours[0]).not.toBe('ffffff');
  });
});
