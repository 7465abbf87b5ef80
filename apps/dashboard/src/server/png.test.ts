import { inflateSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { encodePng, pngDataUrl } from "./png";

/** The chunks of a PNG file: type, data and whether the stored CRC-32 matches zlib's reference. */
function chunks(png: Buffer): Array<{ type: string; data: Buffer }> {
  const out: Array<{ type: string; data: Buffer }> = [];
  for (let at = 8; at < png.length;) {
    const length = png.readUInt32BE(at);
    out.push({ type: png.toString("ascii", at + 4, at + 8), data: png.subarray(at + 8, at + 8 + length) });
    at += length + 12;
  }
  return out;
}

describe("encodePng", () => {
  it("writes a grey 8-bit PNG whose rows inflate back to the pixels", () => {
    const png = encodePng({ width: 3, height: 2, channels: 1, pixels: Float32Array.of(0, 0.5, 1, 1, 0.2, 0) });
    expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    const [ihdr, idat, iend] = chunks(png);
    expect([ihdr.type, idat.type, iend.type]).toEqual(["IHDR", "IDAT", "IEND"]);
    expect([ihdr.data.readUInt32BE(0), ihdr.data.readUInt32BE(4), ihdr.data[8], ihdr.data[9]]).toEqual([3, 2, 8, 0]);
    expect([...inflateSync(idat.data)]).toEqual([0, 0, 128, 255, 0, 255, 51, 0]);
  });

  it("stores the standard CRC-32 of each chunk (IEND's is fixed)", () => {
    const png = encodePng({ width: 1, height: 1, channels: 3, pixels: Float32Array.of(1, 0, 0) });
    expect(png.subarray(png.length - 4).toString("hex")).toBe("ae426082");
    expect(chunks(png)[0].data[9]).toBe(2);
  });

  it("makes a data URL", () => {
    expect(pngDataUrl({ width: 1, height: 1, channels: 1, pixels: Float32Array.of(0) })).toMatch(/^data:image\/png;base64,iVBORw0KGgo/);
  });
});
