/**
 * Explicit ONNX pads that reproduce TensorFlow.js padding, one spatial axis at
 * a time. The exporter never writes `auto_pad`: ONNX Runtime has mishandled
 * SAME_* on ConvTranspose (onnxruntime #4086, #6067, #11927), and SAME_UPPER on
 * ConvTranspose is not what tf.conv2dTranspose computes anyway.
 *
 * TF 'same' (tfjs `computeConv2DInfo`): out = ⌈n/s⌉,
 * total = max((out − 1)·s + k − n, 0), before = ⌊total/2⌋, after = total − before.
 * The odd pixel goes at the end (bottom/right), i.e. ONNX SAME_UPPER.
 */

export interface AxisPads {
  /** Padding before the data (top or left). */
  begin: number;
  /** Padding after the data (bottom or right). */
  end: number;
}

export interface TransposeAxisPads extends AxisPads {
  /** ONNX ConvTranspose `output_padding` on this axis. */
  outputPadding: number;
  /** Output size on this axis. */
  size: number;
}

/** Pads of tf.conv2d / tf.maxPool on one axis of size `size`. */
export function convAxisPads(size: number, kernel: number, stride: number, padding: "same" | "valid"): AxisPads {
  if (padding === "valid") return { begin: 0, end: 0 };
  const out = Math.ceil(size / stride);
  const total = Math.max((out - 1) * stride + kernel - size, 0);
  const begin = Math.floor(total / 2);
  return { begin, end: total - begin };
}

/**
 * ONNX ConvTranspose pads and output_padding that reproduce tf.conv2dTranspose
 * on one axis. tfjs computes it as the gradient of a conv2d whose *input* is the
 * transpose's output (size n·s for 'same', n·s + max(k − s, 0) for 'valid'), so:
 * - pads.begin is that conv's TF pad before the data;
 * - ONNX's uncropped output is (n − 1)·s + k long; whatever lies beyond the wanted
 *   size after cropping `begin` is cropped at the end (pads.end), and if the
 *   uncropped output is too short (k < s) the rest is output_padding (zeros + bias).
 *
 * For k = 3, s = 2, 'same' this gives pads (0, 1), output_padding 0, not
 * PyTorch's padding=1, output_padding=1, which shifts the result by one pixel.
 */
export function convTransposeAxisPads(size: number, kernel: number, stride: number, padding: "same" | "valid"): TransposeAxisPads {
  const outSize = padding === "same" ? size * stride : size * stride + Math.max(kernel - stride, 0);
  const { begin } = convAxisPads(outSize, kernel, stride, padding);
  const uncropped = (size - 1) * stride + kernel;
  const end = uncropped - begin - outSize;
  return end >= 0 ? { begin, end, outputPadding: 0, size: outSize } : { begin, end: 0, outputPadding: -end, size: outSize };
}

/** ONNX `pads` order for 2-D: [top, left, bottom, right]. */
export function onnxPads2d(h: AxisPads, w: AxisPads): number[] {
  return [h.begin, w.begin, h.end, w.end];
}
