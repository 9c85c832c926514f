import { deflateSync } from 'node:zlib';

const W = 480;
const H = 220;
const PAD = 20;
type Rgb = [number, number, number];

/**
 * A small PNG bar chart of consumed capacity per period (blue) with the provisioned capacity as a red
 * line, the picture the simulated CloudWatch answers for GetMetricWidgetImage.
 */
export function capacityChartPng(consumed: number[], provisioned: number): Buffer {
  const pixels = Buffer.alloc(W * H * 3, 0xff);
  const put = (x: number, y: number, [r, g, b]: Rgb): void => {
    if (x < 0 || y < 0 || x >= W || y >= H) return;
    pixels.set([r, g, b], (y * W + x) * 3);
  };
  const rect = (x0: number, y0: number, x1: number, y1: number, c: Rgb): void => {
    for (let y = Math.round(y0); y < Math.round(y1); y += 1) for (let x = Math.round(x0); x < Math.round(x1); x += 1) put(x, y, c);
  };
  const top = Math.max(provisioned, ...consumed) * 1.15 || 1;
  const yOf = (v: number): number => H - PAD - (v / top) * (H - 2 * PAD);
  const slot = (W - 2 * PAD) / Math.max(1, consumed.length);
  consumed.forEach((v, i) =>
    rect(PAD + i * slot + slot * 0.15, yOf(v), PAD + (i + 1) * slot - slot * 0.15, H - PAD, v > provisioned ? [0xe0, 0x7a, 0x1f] : [0x1f, 0x77, 0xb4]),
  );
  rect(PAD, yOf(provisioned) - 1, W - PAD, yOf(provisioned) + 2, [0xd6, 0x27, 0x28]);
  rect(PAD - 1, PAD, PAD, H - PAD, [0x44, 0x44, 0x44]);
  rect(PAD, H - PAD, W - PAD, H - PAD + 1, [0x44, 0x44, 0x44]);
  return encodePng(pixels);
}

/** RGB pixels to a PNG file: signature, IHDR, one IDAT (each row with filter 0), IEND. */
function encodePng(rgb: Buffer): Buffer {
  const rows = Buffer.alloc((W * 3 + 1) * H);
  for (let y = 0; y < H; y += 1) rgb.copy(rows, y * (W * 3 + 1) + 1, y * W * 3, (y + 1) * W * 3);
  const header = Buffer.alloc(13);
  header.writeUInt32BE(W, 0);
  header.writeUInt32BE(H, 4);
  header.set([8, 2, 0, 0, 0], 8); // 8-bit, truecolour, deflate, no filter set, no interlace
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(rows)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k += 1) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Buffer): number {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
