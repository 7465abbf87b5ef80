"use client";
/** A 28×28 image (intensities in [0, 1]) drawn on a canvas and shown enlarged, pixels kept sharp. */
import { useEffect, useRef } from "react";
import { MNIST_SIDE } from "~/lib/mnist-downsample";

export function DigitImage({ pixels, size = 112, label, testId }: { pixels: Float32Array | null; size?: number; label: string; testId?: string }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const context = canvas.current?.getContext("2d");
    if (!context) return;
    const image = context.createImageData(MNIST_SIDE, MNIST_SIDE);
    for (let i = 0; i < MNIST_SIDE * MNIST_SIDE; i++) {
      const v = Math.round(255 * (pixels?.[i] ?? 0));
      image.data.set([v, v, v, 255], i * 4);
    }
    context.putImageData(image, 0, 0);
  }, [pixels]);
  return (
    <canvas
      ref={canvas}
      width={MNIST_SIDE}
      height={MNIST_SIDE}
      className="digit"
      style={{ width: size, height: size }}
      role="img"
      aria-label={label}
      data-testid={testId}
      data-empty={pixels ? "false" : "true"}
    />
  );
}
