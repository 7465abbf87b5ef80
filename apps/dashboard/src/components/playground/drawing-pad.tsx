"use client";
/**
 * The drawing surface: white ink on black at 10× MNIST's scale, drawn with a
 * mouse, a finger or a pen through pointer events. It reports the canvas as a
 * grayscale image while a stroke is drawn (once per animation frame) and when
 * it ends; the caller turns that into the 28×28 input.
 */
import { useCallback, useEffect, useImperativeHandle, useRef, type PointerEvent, type Ref } from "react";
import { MNIST_SIDE, type GrayImage } from "~/lib/mnist-downsample";

export const PAD_SIZE = 280;
/** Stroke width in canvas pixels: about 2 MNIST pixels once the digit is boxed to 20. */
const BRUSH = 22;

export interface DrawingPadHandle {
  clear(): void;
  /** Shows a 28×28 image (intensities in [0, 1]) enlarged, to draw over. */
  paint(pixels: Float32Array): void;
}

export interface DrawingPadProps {
  ref?: Ref<DrawingPadHandle>;
  onDraw: (image: GrayImage, strokeEnded: boolean) => void;
}

export function DrawingPad({ ref, onDraw }: DrawingPadProps) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const last = useRef<{ x: number; y: number } | null>(null);
  const frame = useRef<number | null>(null);

  const context = useCallback(() => canvas.current?.getContext("2d", { willReadFrequently: true }) ?? null, []);
  const clear = useCallback(() => {
    const c = context();
    if (!c) return;
    c.fillStyle = "#000";
    c.fillRect(0, 0, PAD_SIZE, PAD_SIZE);
  }, [context]);
  useEffect(clear, [clear]);

  const image = useCallback((): GrayImage => {
    const c = context();
    const data = new Float32Array(PAD_SIZE * PAD_SIZE);
    if (c) {
      const rgba = c.getImageData(0, 0, PAD_SIZE, PAD_SIZE).data;
      for (let i = 0; i < data.length; i++) data[i] = rgba[i * 4] / 255;
    }
    return { width: PAD_SIZE, height: PAD_SIZE, data };
  }, [context]);

  useImperativeHandle(
    ref,
    () => ({
      clear,
      paint(pixels: Float32Array) {
        const c = context();
        if (!c) return;
        const small = document.createElement("canvas");
        small.width = small.height = MNIST_SIDE;
        const s = small.getContext("2d")!;
        const data = s.createImageData(MNIST_SIDE, MNIST_SIDE);
        pixels.forEach((p, i) => data.data.set([255 * p, 255 * p, 255 * p, 255], i * 4));
        s.putImageData(data, 0, 0);
        clear();
        c.imageSmoothingEnabled = true;
        c.drawImage(small, 0, 0, PAD_SIZE, PAD_SIZE);
      },
    }),
    [clear, context],
  );

  const report = useCallback(
    (ended: boolean) => {
      if (frame.current !== null) cancelAnimationFrame(frame.current);
      frame.current = null;
      if (ended) onDraw(image(), true);
      else frame.current = requestAnimationFrame(() => ((frame.current = null), onDraw(image(), false)));
    },
    [image, onDraw],
  );

  const point = (event: PointerEvent<HTMLCanvasElement> | globalThis.PointerEvent) => {
    const box = canvas.current!.getBoundingClientRect();
    return { x: ((event.clientX - box.left) * PAD_SIZE) / box.width, y: ((event.clientY - box.top) * PAD_SIZE) / box.height };
  };

  const strokeTo = (event: globalThis.PointerEvent) => {
    const c = context();
    const from = last.current;
    if (!c || !from) return;
    const to = point(event);
    c.strokeStyle = "#fff";
    c.lineCap = "round";
    c.lineJoin = "round";
    c.lineWidth = event.pointerType === "pen" && event.pressure > 0 ? BRUSH * (0.5 + event.pressure) : BRUSH;
    c.beginPath();
    c.moveTo(from.x, from.y);
    c.lineTo(to.x, to.y);
    c.stroke();
    last.current = to;
  };

  return (
    <canvas
      ref={canvas}
      width={PAD_SIZE}
      height={PAD_SIZE}
      className="drawing-pad"
      data-testid="drawing-pad"
      aria-label="Drawing area: draw a digit with the mouse, a finger or a pen"
      onPointerDown={(event) => {
        event.preventDefault();
        event.currentTarget.setPointerCapture(event.pointerId);
        last.current = point(event);
        // A click without movement still leaves a dot.
        strokeTo(event.nativeEvent);
        report(false);
      }}
      onPointerMove={(event) => {
        if (!last.current) return;
        const events = event.nativeEvent.getCoalescedEvents?.() ?? [];
        for (const e of events.length > 0 ? events : [event.nativeEvent]) strokeTo(e);
        report(false);
      }}
      onPointerUp={() => {
        if (!last.current) return;
        last.current = null;
        report(true);
      }}
      onPointerCancel={() => {
        last.current = null;
        report(true);
      }}
    />
  );
}
