/**
 * Why this file exists: the run page draws the evaluation's digits on the
 * server, as inline PNG data URLs, so the reconstruction grid needs no
 * JavaScript. An 8-bit grey or RGB PNG is a signature, IHDR, one zlib-deflated
 * IDAT (each row prefixed with filter 0) and IEND.
 */
import { deflateSync } from "node:zlib";
import type { SampleImage } from "~/lib/sample-images";

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Uint8Array): Buffer {
  const body = Buffer.concat([Buffer.from(type, "ascii"), data]);
  const out = Buffer.alloc(body.length + 8);
  out.writeUInt32BE(data.length, 0);
  body.copy(out, 4);
  out.writeUInt32BE(crc32(body), body.length + 4);
  return out;
}

/** The image as PNG bytes (intensities rounded to 0–255). */
export function encodePng(image: SampleImage): Buffer {
  const { width, height, channels, pixels } = image;
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = channels === 3 ? 2 : 0; // colour type: RGB or greyscale
  const stride = width * channels;
  const raw = Buffer.alloc(height * (stride + 1));
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < stride; x++) raw[y * (stride + 1) + 1 + x] = Math.round(255 * pixels[y * stride + x]);
  }
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([signature, chunk("IHDR", header), chunk("IDAT", deflateSync(raw)), chunk("IEND", new Uint8Array(0))]);
}

export function pngDataUrl(image: SampleImage): string {
  return `data:image/png;base64,${encodePng(image).toString("base64")}`;
}
