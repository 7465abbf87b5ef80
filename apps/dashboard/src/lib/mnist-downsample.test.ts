import { loadMnist } from "@aelab/data";
import { describe, expect, it } from "vitest";
import { MNIST_CENTRE, MNIST_SIDE, centreOfMass, toMnistInput, type GrayImage } from "./mnist-downsample";

function canvas(size: number, paint: (x: number, y: number) => number): GrayImage {
  const data = new Float32Array(size * size);
  for (let y = 0; y < size; y++) for (let x = 0; x < size; x++) data[y * size + x] = paint(x, y);
  return { width: size, height: size, data };
}

/** Width and height of the ink in pixels, counting partly covered pixels by their coverage (max along the other axis). */
function inkExtent(input: Float32Array): { width: number; height: number } {
  let width = 0;
  let height = 0;
  for (let i = 0; i < MNIST_SIDE; i++) {
    let column = 0;
    let row = 0;
    for (let j = 0; j < MNIST_SIDE; j++) {
      column = Math.max(column, input[j * MNIST_SIDE + i]);
      row = Math.max(row, input[i * MNIST_SIDE + j]);
    }
    width += column;
    height += row;
  }
  return { width, height };
}

const asImage = (data: Float32Array): GrayImage => ({ width: MNIST_SIDE, height: MNIST_SIDE, data });

describe("toMnistInput", () => {
  it("gives zeros for an empty drawing", () => {
    expect(toMnistInput(canvas(280, () => 0)).every((v) => v === 0)).toBe(true);
  });

  it("fits the ink in a 20-pixel box, keeping its aspect ratio, centred by mass", () => {
    // A 40 × 200 bar in the top-left corner of a 280 × 280 canvas.
    const input = toMnistInput(canvas(280, (x, y) => (x >= 10 && x < 50 && y >= 5 && y < 205 ? 1 : 0)));
    const extent = inkExtent(input);
    expect(extent.width).toBeCloseTo(4, 4);
    expect(extent.height).toBeCloseTo(20, 4);
    const com = centreOfMass(asImage(input))!;
    expect(com.x).toBeCloseTo(MNIST_CENTRE, 5);
    expect(com.y).toBeCloseTo(MNIST_CENTRE, 5);
    // The area filter keeps the ink's share of the box: 4 × 20 pixels of full ink.
    expect(input.reduce((s, v) => s + v, 0)).toBeCloseTo(80, 3);
    expect(Math.max(...input)).toBeLessThanOrEqual(1);
  });

  it("anti-aliases: a stroke thinner than a target pixel becomes grey, not dropped", () => {
    // A 200-pixel-tall line 4 pixels wide: 0.4 of a 28-scale pixel.
    const input = toMnistInput(canvas(280, (x, y) => (x >= 100 && x < 104 && y >= 40 && y < 240 ? 1 : 0)));
    const lit = [...input].filter((v) => v > 0.01);
    expect(Math.max(...lit)).toBeLessThan(0.6);
    expect(input.reduce((s, v) => s + v, 0)).toBeCloseTo(20 * 0.4, 3);
  });

  it("turns real digits drawn 10× larger back into those digits", () => {
    const mnist = loadMnist({ limit: 200 });
    const errors: number[] = [];
    for (let row = 0; row < 200; row += 4) {
      const digit = mnist.images.data.subarray(row * 784, (row + 1) * 784);
      const back = toMnistInput(canvas(280, (x, y) => digit[Math.floor(y / 10) * MNIST_SIDE + Math.floor(x / 10)]));
      let se = 0;
      let ss = 0;
      for (let i = 0; i < 784; i++) {
        se += (back[i] - digit[i]) ** 2;
        ss += digit[i] ** 2;
      }
      errors.push(se / ss);
    }
    // MNIST digits are already boxed and mass-centred, but by whole pixels: what is left is that sub-pixel shift.
    errors.sort((a, b) => a - b);
    expect(errors[errors.length >> 1]).toBeLessThan(0.1);
    expect(errors.at(-1)).toBeLessThan(0.3);
  });
});
