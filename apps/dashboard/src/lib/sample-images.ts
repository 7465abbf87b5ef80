/**
 * The evaluation artifact's sample inputs and reconstructions (float32, in the
 * model's scaled space) as displayable images: unscaled per the run's input
 * scaling, clamped to [0, 1], one channel or three. Pure, so server and tests share it.
 */
import type { InputScaling } from "@aelab/core";

export interface SampleImage {
  width: number;
  height: number;
  /** 1 (grey) or 3 (RGB), channels last. */
  channels: 1 | 3;
  /** Intensities in [0, 1], `height × width × channels`, row-major. */
  pixels: Float32Array;
}

export interface ImageLayout {
  width: number;
  height: number;
  channels: 1 | 3;
  /** Where the channel axis sits in one sample. */
  channelAxis: "last" | "first";
}

/**
 * How one sample of this shape is drawn: [H, W, C] or [C, H, W] with C of 1 or 3,
 * [H, W], or [N] with N a perfect square (a flattened grey image). Null when
 * the input is not an image.
 */
export function imageLayout(inputShape: readonly number[]): ImageLayout | null {
  if (inputShape.length === 1) {
    const side = Math.round(Math.sqrt(inputShape[0]));
    return side * side === inputShape[0] && side > 1 ? { width: side, height: side, channels: 1, channelAxis: "last" } : null;
  }
  if (inputShape.length === 2) return { height: inputShape[0], width: inputShape[1], channels: 1, channelAxis: "last" };
  const [a, b, c] = inputShape;
  if (c === 1 || c === 3) return { height: a, width: b, channels: c, channelAxis: "last" };
  if (a === 1 || a === 3) return { height: b, width: c, channels: a, channelAxis: "first" };
  return null;
}

/** Per-channel (mean, std) that undo the scaling; `none` values above 1 are read as 0–255 bytes. */
function unscaler(scaling: InputScaling, channels: number, data: Float32Array): (v: number, c: number) => number {
  if (typeof scaling === "object") {
    const pick = (list: number[], c: number) => (list.length === 1 ? list[0] : (list[c] ?? list[0]));
    return (v, c) => v * pick(scaling.std, c) + pick(scaling.mean, c);
  }
  if (scaling === "none" && data.some((v) => v > 1)) return (v) => v / 255;
  void channels;
  return (v) => v;
}

/**
 * Splits a batch of samples (flat float32, `count × size`) into images in
 * display space. Throws when the data is not a whole number of samples.
 */
export function sampleImages(data: Float32Array, layout: ImageLayout, scaling: InputScaling): SampleImage[] {
  const { width, height, channels } = layout;
  const size = width * height * channels;
  if (size === 0 || data.length % size !== 0) {
    throw new Error(`Expected whole samples of ${height}×${width}×${channels} values. Received: ${data.length} values`);
  }
  const unscale = unscaler(scaling, channels, data);
  const plane = width * height;
  return Array.from({ length: data.length / size }, (_, s) => {
    const pixels = new Float32Array(size);
    for (let p = 0; p < plane; p++) {
      for (let c = 0; c < channels; c++) {
        const from = s * size + (layout.channelAxis === "first" ? c * plane + p : p * channels + c);
        pixels[p * channels + c] = Math.min(1, Math.max(0, unscale(data[from], c)));
      }
    }
    return { width, height, channels, pixels };
  });
}
