import { describe, expect, it } from "vitest";
import { imageLayout, sampleImages, type ImageLayout } from "./sample-images";

function layoutOf(shape: number[]): ImageLayout {
  const layout = imageLayout(shape);
  if (!layout) throw new Error(`no image layout for [${shape.join(", ")}]`);
  return layout;
}

describe("imageLayout", () => {
  it("draws flattened squares, [H, W], channels last and channels first", () => {
    expect(imageLayout([784])).toEqual({ width: 28, height: 28, channels: 1, channelAxis: "last" });
    expect(imageLayout([28, 28])).toEqual({ width: 28, height: 28, channels: 1, channelAxis: "last" });
    expect(imageLayout([32, 16, 3])).toEqual({ width: 16, height: 32, channels: 3, channelAxis: "last" });
    expect(imageLayout([1, 28, 28])).toEqual({ width: 28, height: 28, channels: 1, channelAxis: "first" });
  });

  it("refuses what is not an image", () => {
    expect(imageLayout([10])).toBeNull();
    expect(imageLayout([4, 4, 5])).toBeNull();
  });
});

describe("sampleImages", () => {
  it("splits samples and keeps unit pixels, clamped to [0, 1]", () => {
    const images = sampleImages(Float32Array.of(0, 0.5, 1, 1.2, 0.25, -0.1, 0, 1), layoutOf([4]), "unit");
    expect(images).toHaveLength(2);
    expect(Array.from(images[0].pixels)).toEqual([0, 0.5, 1, 1]);
    expect(Array.from(images[1].pixels)).toEqual([0.25, 0, 0, 1]);
  });

  it("undoes standardisation per channel, and moves channels-first samples to channels last", () => {
    const scaling = { type: "standardize" as const, mean: [0.5, 0.1, 0.2], std: [0.25, 0.1, 0.4] };
    // One 1×2 RGB sample, channels first: R plane, G plane, B plane.
    const [image] = sampleImages(Float32Array.of(-2, 2, 0, 1, 0, 2), layoutOf([3, 1, 2]), scaling);
    expect(Array.from(image.pixels).map((v) => Number(v.toFixed(6)))).toEqual([0, 0.1, 0.2, 1, 0.2, 1]);
  });

  it("reads unscaled byte pixels as 0–255", () => {
    const [image] = sampleImages(Float32Array.of(0, 51, 255, 255), layoutOf([2, 2]), "none");
    expect(Array.from(image.pixels)).toEqual([0, Math.fround(0.2), 1, 1]);
  });

  it("refuses data that is not whole samples", () => {
    expect(() => sampleImages(new Float32Array(5), layoutOf([4]), "unit")).toThrow("Received: 5 values");
  });
});
