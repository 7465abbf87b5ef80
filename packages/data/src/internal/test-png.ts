/**
 * Test helpers that write real PNG files: pngjs for the colour types and depths it
 * encodes (gray, RGB, gray+alpha, RGBA at 8 and 16 bits), and a minimal chunk
 * writer for what pngjs cannot encode (palette, 1/2/4-bit gray, tRNS).
 */
import { crc32, deflateSync } from "node:zlib";
import { PNG, type ColorType } from "pngjs";

const SAMPLES: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };

/** Encodes with pngjs; `samples` are row-major in the colour type's own layout (e.g. [gray, alpha] pairs). */
export function pngjsBytes(options: { width: number; height: number; colorType: ColorType; bitDepth: 8 | 16; samples: number[] }): Uint8Array {
  const { width, height, colorType, bitDepth, samples } = options;
  const png = new PNG({ width, height });
  png.data = bitDepth === 16 ? Buffer.from(Uint16Array.from(samples).buffer) : Buffer.from(Uint8Array.from(samples));
  const hasAlpha = colorType === 4 || colorType === 6;
  return new Uint8Array(PNG.sync.write(png, { colorType, inputColorType: colorType, bitDepth, inputHasAlpha: hasAlpha }));
}

function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length, false);
  const typed = new Uint8Array(4 + data.length);
  typed.set(Buffer.from(type, "latin1"));
  typed.set(data, 4);
  out.set(typed, 4);
  view.setUint32(8 + data.length, crc32(typed), false);
  return out;
}

/** Writes a PNG chunk by chunk: any colour type and bit depth, optional PLTE and tRNS. */
export function rawPngBytes(options: {
  width: number;
  height: number;
  colorType: number;
  depth: number;
  samples: number[];
  palette?: number[][];
  trns?: number[];
}): Uint8Array {
  const { width, height, colorType, depth, samples } = options;
  const perPixel = SAMPLES[colorType];
  const rowBytes = Math.ceil((width * perPixel * depth) / 8);
  const raw = new Uint8Array(height * (rowBytes + 1));
  for (let y = 0; y < height; y++) {
    const row = raw.subarray(y * (rowBytes + 1) + 1, (y + 1) * (rowBytes + 1));
    for (let i = 0; i < width * perPixel; i++) {
      const v = samples[y * width * perPixel + i];
      if (depth === 16) {
        row[2 * i] = v >> 8;
        row[2 * i + 1] = v & 0xff;
      } else if (depth === 8) row[i] = v;
      else {
        const bit = i * depth;
        row[bit >> 3] |= v << (8 - depth - (bit & 7));
      }
    }
  }
  const ihdr = new Uint8Array(13);
  const view = new DataView(ihdr.buffer);
  view.setUint32(0, width, false);
  view.setUint32(4, height, false);
  ihdr.set([depth, colorType, 0, 0, 0], 8);
  const parts = [Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk("IHDR", ihdr)];
  if (options.palette) parts.push(chunk("PLTE", Uint8Array.from(options.palette.flat())));
  if (options.trns) parts.push(chunk("tRNS", Uint8Array.from(options.trns)));
  parts.push(chunk("IDAT", new Uint8Array(deflateSync(raw))), chunk("IEND", new Uint8Array(0)));
  return Uint8Array.from(parts.flatMap((p) => Array.from(p)));
}
