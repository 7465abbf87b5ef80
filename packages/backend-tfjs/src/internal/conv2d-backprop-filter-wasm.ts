/**
 * Why this file exists: tfjs-backend-wasm 4.22 has no `Conv2DBackpropFilter`
 * kernel, so neither conv2d nor conv2dTranspose can train on wasm (both filter
 * gradients run it). This adds one, built only from kernels wasm does have.
 *
 * The filter gradient is itself a convolution, taken over the batch axis:
 *
 *   dW[i,j,c,f] = sum over n,oh,ow of xPadded[n, oh*sh + i, ow*sw + j, c] * dy[n, oh, ow, f]
 *
 * so with x as a batch of C single-image "inputs" of N channels, [C,H,W,N], and
 * dy as a filter [OH,OW,N,F] dilated by the forward strides, one Conv2D
 * (stride 1, the forward pads made explicit) gives [C,kh,kw,F]:
 *
 *   x [N,H,W,C] --Transpose--> [C,H,W,N] --Conv2D(filter = dy as [OH,OW,N,F],
 *   dilations = strides)--> [C,kh,kw,F] (--Slice if the pads leave extra rows)
 *   --Transpose--> [kh,kw,C,F]
 *
 * XNNPACK runs the convolution. An im2col built from StridedSlice/Slice was
 * 10–50× slower here: wasm's Slice copies its whole input out of the heap on
 * every call and its strided path is generic. Measured on [128,28,28,32]
 * inputs: about 35–50 ms per call against 8–33 s for tfjs-backend-cpu.
 */
import {
  Conv2DBackpropFilter,
  backend_util,
  getKernel,
  registerKernel,
  type Conv2DBackpropFilterAttrs,
  type KernelConfig,
  type KernelFunc,
  type NamedAttrMap,
  type NamedTensorInfoMap,
  type TensorInfo,
} from "@tensorflow/tfjs-core";

/** The slice of a tfjs backend's surface this kernel relies on. */
interface DisposingBackend {
  disposeData(dataId: object, force?: boolean): boolean;
}

/** The kernels this one is composed of; `supports()` checks them too. */
export const CONV2D_BACKPROP_FILTER_PARTS = ["Transpose", "Conv2D", "Slice"] as const;

function run(name: string, backendName: string, backend: DisposingBackend, inputs: NamedTensorInfoMap, attrs: NamedAttrMap): TensorInfo {
  const kernel = getKernel(name, backendName);
  if (!kernel) throw new Error(`Conv2DBackpropFilter needs kernel '${name}' on backend '${backendName}', which is not registered.`);
  return kernel.kernelFunc({ inputs, backend, attrs }) as TensorInfo;
}

/**
 * The kernel function: same inputs (`x`, `dy`) and attributes as tfjs's own
 * `Conv2DBackpropFilter`; NHWC only, dilation 1 (the only case tfjs's conv2d
 * gradient allows), any pad form ('same', 'valid', a number or explicit pads).
 */
export function conv2dBackpropFilterComposite(backendName: string): KernelFunc {
  return ({ inputs, backend, attrs }) => {
    const { x, dy } = inputs as { x: TensorInfo; dy: TensorInfo };
    const { strides, pad, dataFormat, dimRoundingMode, filterShape } = attrs as unknown as Conv2DBackpropFilterAttrs;
    if (dataFormat !== undefined && dataFormat !== "NHWC") {
      throw new Error(`Conv2DBackpropFilter on ${backendName} supports dataFormat NHWC only. Received: dataFormat=${dataFormat}`);
    }
    const b = backend as DisposingBackend;
    const info = backend_util.computeConv2DInfo(x.shape as [number, number, number, number], filterShape, strides, 1, pad, dimRoundingMode);
    const { batchSize: n, inHeight: h, inWidth: w, inChannels: c, outChannels: f, outHeight: oh, outWidth: ow } = info;
    const { strideHeight: sh, strideWidth: sw, filterHeight: kh, filterWidth: kw, padInfo } = info;
    if (dy.shape.length !== 4 || dy.shape[0] !== n || dy.shape[1] !== oh || dy.shape[2] !== ow || dy.shape[3] !== f) {
      throw new Error(`Conv2DBackpropFilter: dy must have shape [${n},${oh},${ow},${f}]. Received: [${dy.shape.join(",")}]`);
    }
    // Rows past kh + sh*(oh-1) are never read by the forward conv; pad up to that
    // extent and crop any surplus from the (small) result instead of the input.
    const bottom = Math.max(0, kh + sh * (oh - 1) - h - padInfo.top);
    const right = Math.max(0, kw + sw * (ow - 1) - w - padInfo.left);
    const temps: TensorInfo[] = [];
    const keep = (t: TensorInfo) => (temps.push(t), t);
    try {
      const xT = keep(run("Transpose", backendName, b, { x }, { perm: [3, 1, 2, 0] }));
      const dyT = keep(run("Transpose", backendName, b, { x: dy }, { perm: [1, 2, 0, 3] }));
      let grad = keep(
        run(
          "Conv2D",
          backendName,
          b,
          { x: xT, filter: dyT },
          {
            strides: [1, 1],
            pad: [
              [0, 0],
              [padInfo.top, bottom],
              [padInfo.left, right],
              [0, 0],
            ],
            dataFormat: "NHWC",
            dilations: [sh, sw],
          },
        ),
      );
      if (grad.shape[1] !== kh || grad.shape[2] !== kw) {
        grad = keep(run("Slice", backendName, b, { x: grad }, { begin: [0, 0, 0, 0], size: [c, kh, kw, f] }));
      }
      return run("Transpose", backendName, b, { x: grad }, { perm: [1, 2, 0, 3] });
    } finally {
      for (const t of temps) b.disposeData(t.dataId);
    }
  };
}

const installed = new Set<string>();

/**
 * Registers the composite kernel for `backendName` unless that backend already
 * has one (a later tfjs-backend-wasm may ship its own). Returns whether the
 * registered kernel is this composite. Idempotent; tfjs's kernel registry is
 * process-global.
 */
export function registerConv2dBackpropFilter(backendName: string): boolean {
  if (!getKernel(Conv2DBackpropFilter, backendName)) {
    const config: KernelConfig = { kernelName: Conv2DBackpropFilter, backendName, kernelFunc: conv2dBackpropFilterComposite(backendName) };
    registerKernel(config);
    installed.add(backendName);
  }
  return installed.has(backendName);
}
