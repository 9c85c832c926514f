import { GLYPH_ADVANCE, glyph } from './chart-font';

/** An RGB colour, 0-255 each. */
export type Rgb = readonly [number, number, number];

/** A white RGB canvas with the few primitives the charts need; drawing outside it is clipped. */
export class Raster {
  readonly pixels: Buffer;

  constructor(
    readonly width: number,
    readonly height: number,
  ) {
    this.pixels = Buffer.alloc(width * height * 3, 0xff);
  }

  put(x: number, y: number, [r, g, b]: Rgb): void {
    if (x < 0 || y < 0 || x >= this.width || y >= this.height || !Number.isInteger(x) || !Number.isInteger(y)) return;
    this.pixels.set([r, g, b], (y * this.width + x) * 3);
  }

  /** The colour at (x, y). */
  at(x: number, y: number): Rgb {
    const i = (y * this.width + x) * 3;
    return [this.pixels[i]!, this.pixels[i + 1]!, this.pixels[i + 2]!];
  }

  /** Fills the pixels x0 <= x < x1, y0 <= y < y1 (coordinates rounded). */
  rect(x0: number, y0: number, x1: number, y1: number, colour: Rgb): void {
    const [ax, bx] = [Math.round(Math.min(x0, x1)), Math.round(Math.max(x0, x1))];
    const [ay, by] = [Math.round(Math.min(y0, y1)), Math.round(Math.max(y0, y1))];
    for (let y = Math.max(0, ay); y < Math.min(this.height, by); y += 1)
      for (let x = Math.max(0, ax); x < Math.min(this.width, bx); x += 1) this.put(x, y, colour);
  }

  /** Draws `text` with its top-left corner at (x, y), each font pixel a `scale` x `scale` square; `bold` doubles strokes sideways. */
  text(x: number, y: number, text: string, colour: Rgb, scale: number, bold = false): void {
    let left = Math.round(x);
    for (const ch of text) {
      glyph(ch).forEach((row, gy) =>
        row.forEach((on, gx) => {
          if (!on) return;
          const px = left + gx * scale;
          const py = Math.round(y) + gy * scale;
          this.rect(px, py, px + scale + (bold ? 1 : 0), py + scale, colour);
        }),
      );
      left += GLYPH_ADVANCE * scale;
    }
  }
}
