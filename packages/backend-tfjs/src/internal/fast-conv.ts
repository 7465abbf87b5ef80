/**
 * Why this file exists: on tfjs-backend-wasm 4.22, Conv2D runs in XNNPACK but
 * Conv2DBackpropInput (the conv2dTranspose forward pass and every conv2d's
 * input gradient) is a scalar C++ loop, about half of a conv autoencoder's
 * step; on tfjs-backend-cpu, Conv2DBackpropFilter reads every value through a
 * generic buffer accessor (20–60 s per step at batch 128). These layer ops
 * have the same values and gradients as tfjs's `conv2d` / `conv2dTranspose`
 * (the tests compare them), but express every transposed convolution and
 * filter gradient as a Conv2D, the fast kernel on both backends.
 *
 * A transposed convolution with stride s splits into s×s sub-pixel phases:
 * output row y = s·q + r − top only receives kernel taps i ≡ r (mod s), so each
 * phase is a stride-1 correlation of the input with a flipped sub-kernel. One
 * Conv2D with all phases stacked on the output channels, then DepthToSpace(s),
 * gives the whole output (zero-padding short phases to ⌈k/s⌉ taps).
 */
import * as tf from "@tensorflow/tfjs-core";
import { channelSumsHost, depthToSpaceHost, maxPoolGradHost } from "./host-ops.ts";

export type Padding = "same" | "valid";

/** The phase-stacked, flipped filter [⌈kh/s⌉, ⌈kw/s⌉, inC, s·s·outC] for a transposed convolution by `w` [kh,kw,outC,inC]. */
function phaseFilter(w: tf.Tensor4D, s: number): tf.Tensor4D {
  const [kh, kw, c, f] = w.shape;
  const th = Math.ceil(kh / s);
  const tw = Math.ceil(kw / s);
  let k: tf.Tensor =
    s * th > kh || s * tw > kw
      ? tf.pad(w, [
          [0, s * th - kh],
          [0, s * tw - kw],
          [0, 0],
          [0, 0],
        ])
      : w;
  k = tf.reshape(k, [th, s, tw, s, c, f]); // tap i = t·s + r
  k = tf.reverse(k, [0, 2]); // a correlation reads the taps in reverse
  k = tf.transpose(k, [0, 2, 5, 1, 3, 4]); // [t, u, inC, r_h, r_w, outC]
  return tf.reshape(k, [th, tw, f, s * s * c]);
}

/**
 * The gradient of `conv2d(x, w, strides, pad)` with respect to `x` (= the
 * forward pass of `conv2dTranspose(dy, w, xShape, strides, pad)`), computed
 * with Conv2D + DepthToSpace. Not differentiable itself; call it from
 * gradient functions or a customGrad forward pass.
 */
export function conv2dBackpropInputFast(
  dy: tf.Tensor4D,
  w: tf.Tensor4D,
  xShape: [number, number, number, number],
  strides: [number, number],
  pad: Padding,
): tf.Tensor4D {
  const [sh, sw] = strides;
  if (sh !== sw) return tf.conv2dTranspose(dy, w, xShape, strides, pad); // DepthToSpace needs square blocks
  const s = sh;
  const [kh, kw, c] = w.shape;
  const [n, hOut, wOut] = xShape;
  const [, hIn, wIn] = dy.shape;
  const info = tf.backend_util.computeConv2DInfo(xShape, w.shape, strides, 1, pad);
  const { top, left } = info.padInfo;
  const th = Math.ceil(kh / s);
  const tw = Math.ceil(kw / s);
  // Phase rows q run over [⌊top/s⌋, ⌈(top+hOut)/s⌉): skip the rows before that by padding less.
  const qh0 = Math.floor(top / s);
  const qw0 = Math.floor(left / s);
  const padTop = th - 1 - qh0;
  const padLeft = tw - 1 - qw0;
  const padBottom = Math.max(0, Math.ceil((top + hOut) / s) - hIn);
  const padRight = Math.max(0, Math.ceil((left + wOut) / s) - wIn);
  const phases = tf.conv2d(dy, phaseFilter(w, s), 1, [
    [0, 0],
    [padTop, padBottom],
    [padLeft, padRight],
    [0, 0],
  ]);
  const spread = s > 1 ? depthToSpaceHost(phases, s) : phases;
  const offH = top - qh0 * s;
  const offW = left - qw0 * s;
  if (offH === 0 && offW === 0 && spread.shape[1] === hOut && spread.shape[2] === wOut) return spread;
  return tf.slice(spread, [0, offH, offW, 0], [n, hOut, wOut, c]);
}

/**
 * The filter gradient of `conv2d(x, w, strides, pad)`. On wasm this is aelab's
 * registered composite kernel; elsewhere the same construction as tfjs ops
 * (tfjs-backend-cpu's own kernel reads every value through a generic buffer
 * accessor and is ~100× slower than its Conv2D): a Conv2D over the batch axis,
 * with x as [C,H,W,N] and dy as a [OH,OW,N,F] filter dilated by the strides.
 */
function filterGrad(x: tf.Tensor4D, dy: tf.Tensor4D, filterShape: number[], strides: [number, number], pad: Padding): tf.Tensor4D {
  const shape = filterShape as [number, number, number, number];
  if (tf.getBackend() === "wasm") {
    return tf.engine().runKernel("Conv2DBackpropFilter", { x, dy }, { strides, pad, dataFormat: "NHWC", filterShape: shape }) as tf.Tensor4D;
  }
  const info = tf.backend_util.computeConv2DInfo(x.shape, shape, strides, 1, pad);
  const { inHeight: h, inWidth: w, outHeight: oh, outWidth: ow, filterHeight: kh, filterWidth: kw, padInfo } = info;
  const bottom = Math.max(0, kh + strides[0] * (oh - 1) - h - padInfo.top);
  const right = Math.max(0, kw + strides[1] * (ow - 1) - w - padInfo.left);
  const explicit: [[number, number], [number, number], [number, number], [number, number]] = [
    [0, 0],
    [padInfo.top, bottom],
    [padInfo.left, right],
    [0, 0],
  ];
  let grad = tf.conv2d(tf.transpose(x, [3, 1, 2, 0]) as tf.Tensor4D, tf.transpose(dy, [1, 2, 0, 3]) as tf.Tensor4D, 1, explicit, "NHWC", strides);
  if (grad.shape[1] !== kh || grad.shape[2] !== kw) grad = tf.slice(grad, [0, 0, 0, 0], [shape[2], kh, kw, shape[3]]);
  return tf.transpose(grad, [1, 2, 0, 3]);
}

/** `tf.conv2d` whose input gradient runs through `conv2dBackpropInputFast`. */
export function conv2dFast(x: tf.Tensor4D, w: tf.Tensor4D, strides: [number, number], pad: Padding, inputNeedsGrad: boolean): tf.Tensor4D {
  // Tensors the gradient reads go through `save`: tfjs disposes unsaved intermediates before backprop.
  if (!inputNeedsGrad) {
    const op = tf.customGrad((kernel, save) => {
      (save as tf.GradSaveFunc)([x]);
      return {
        value: tf.conv2d(x, kernel as tf.Tensor4D, strides, pad),
        gradFunc: (dy, [input]) => filterGrad(input as tf.Tensor4D, dy as tf.Tensor4D, w.shape, strides, pad),
      };
    });
    return op(w) as tf.Tensor4D;
  }
  const op = tf.customGrad((input, kernel, save) => {
    (save as tf.GradSaveFunc)([input as tf.Tensor, kernel as tf.Tensor]);
    return {
      value: tf.conv2d(input as tf.Tensor4D, kernel as tf.Tensor4D, strides, pad),
      gradFunc: (dy, [xs, ws]) => {
        const g = dy as tf.Tensor4D;
        const shape = xs.shape as [number, number, number, number];
        return [conv2dBackpropInputFast(g, ws as tf.Tensor4D, shape, strides, pad), filterGrad(xs as tf.Tensor4D, g, ws.shape, strides, pad)];
      },
    };
  });
  return op(x, w) as tf.Tensor4D;
}

/** `tf.conv2dTranspose` computed by `conv2dBackpropInputFast`, with tfjs's gradients. */
export function conv2dTransposeFast(
  x: tf.Tensor4D,
  w: tf.Tensor4D,
  outShape: [number, number, number, number],
  strides: [number, number],
  pad: Padding,
): tf.Tensor4D {
  const op = tf.customGrad((input, kernel, save) => {
    (save as tf.GradSaveFunc)([input as tf.Tensor, kernel as tf.Tensor]);
    return {
      value: conv2dBackpropInputFast(input as tf.Tensor4D, kernel as tf.Tensor4D, outShape, strides, pad),
      gradFunc: (dy, [xs, ws]) => {
        const g = dy as tf.Tensor4D;
        // As tfjs's Conv2DBackpropInput gradient: dx = conv2d(dy, w), dw = filter gradient with the roles swapped.
        return [tf.conv2d(g, ws as tf.Tensor4D, strides, pad), filterGrad(g, xs as tf.Tensor4D, ws.shape, strides, pad)];
      },
    };
  });
  return op(x, w) as tf.Tensor4D;
}

/**
 * `z + b` over the channel axis. The bias gradient (a sum over every axis but
 * the last) is summed on the host: the wasm Sum kernel transposes first with
 * its generic transpose, and a ones·dy product makes XNNPACK repack all of dy.
 */
export function biasAddFast(z: tf.Tensor, b: tf.Tensor1D): tf.Tensor {
  const op = tf.customGrad((input, bias) => ({
    value: tf.add(input as tf.Tensor, bias as tf.Tensor),
    // reshape, not clone: a distinct tensor over the same data (wasm's Identity copies).
    gradFunc: (dy) => [tf.reshape(dy as tf.Tensor, dy.shape), channelSumsHost(dy as tf.Tensor, b.shape[0])],
  }));
  return op(z, b);
}

/** `tf.maxPool` whose gradient is `maxPoolGradHost` (wasm's MaxPoolGrad drops gradients; see host-ops.ts). */
export function maxPoolFast(x: tf.Tensor4D, pool: [number, number], strides: [number, number], pad: Padding): tf.Tensor4D {
  const op = tf.customGrad((input, save) => {
    (save as tf.GradSaveFunc)([input as tf.Tensor]);
    return {
      value: tf.maxPool(input as tf.Tensor4D, pool, strides, pad),
      gradFunc: (dy, [xs]) => maxPoolGradHost(xs as tf.Tensor4D, dy as tf.Tensor4D, pool, strides, pad),
    };
  });
  return op(x) as tf.Tensor4D;
}
