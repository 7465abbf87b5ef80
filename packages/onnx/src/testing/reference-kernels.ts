/**
 * Plain-loop float64 kernels with TensorFlow.js semantics (channels last), for
 * the reference forward pass. Written from the TF definitions, not from the
 * exporter's ONNX attributes, so the two can check each other.
 */
import { AelabError, ErrorCode, type Activation } from "@aelab/core";
import { ELU_ALPHA, LEAKY_RELU_ALPHA } from "../compatibility.ts";
import { erf } from "./erf.ts";

/** A batch of channels-last images: data holds [batch, height, width, channels] in row-major order. */
export interface Images {
  data: Float64Array;
  batch: number;
  height: number;
  width: number;
  channels: number;
}

/** TF 'same' padding before the data on one axis (tfjs `computeConv2DInfo`): the extra pixel goes after. */
export function tfSamePadBefore(size: number, kernel: number, stride: number): number {
  const out = Math.ceil(size / stride);
  const total = Math.max((out - 1) * stride + kernel - size, 0);
  return Math.floor(total / 2);
}

export function dense(x: Float64Array, batch: number, kernel: Float32Array, bias: Float32Array): Float64Array {
  const units = bias.length;
  const inputs = kernel.length / units;
  const out = new Float64Array(batch * units);
  for (let b = 0; b < batch; b++) {
    for (let j = 0; j < units; j++) {
      let sum = bias[j];
      for (let i = 0; i < inputs; i++) sum += x[b * inputs + i] * kernel[i * units + j];
      out[b * units + j] = sum;
    }
  }
  return out;
}

export interface Conv2dArgs {
  kernel: Float32Array;
  bias: Float32Array;
  kernelSize: [number, number];
  strides: [number, number];
  padding: "same" | "valid";
}

/** tf.conv2d with a [kh, kw, in, out] kernel, plus bias. */
export function conv2d(x: Images, a: Conv2dArgs): Images {
  const [kh, kw] = a.kernelSize;
  const [sh, sw] = a.strides;
  const filters = a.bias.length;
  const same = a.padding === "same";
  const oh = same ? Math.ceil(x.height / sh) : Math.floor((x.height - kh) / sh) + 1;
  const ow = same ? Math.ceil(x.width / sw) : Math.floor((x.width - kw) / sw) + 1;
  const pt = same ? tfSamePadBefore(x.height, kh, sh) : 0;
  const pl = same ? tfSamePadBefore(x.width, kw, sw) : 0;
  const c = x.channels;
  const out = new Float64Array(x.batch * oh * ow * filters);
  const acc = new Float64Array(filters);
  for (let b = 0; b < x.batch; b++) {
    for (let oy = 0; oy < oh; oy++) {
      for (let ox = 0; ox < ow; ox++) {
        for (let f = 0; f < filters; f++) acc[f] = a.bias[f];
        for (let ky = 0; ky < kh; ky++) {
          const iy = oy * sh + ky - pt;
          if (iy < 0 || iy >= x.height) continue;
          for (let kx = 0; kx < kw; kx++) {
            const ix = ox * sw + kx - pl;
            if (ix < 0 || ix >= x.width) continue;
            const xBase = ((b * x.height + iy) * x.width + ix) * c;
            const kBase = (ky * kw + kx) * c * filters;
            for (let ci = 0; ci < c; ci++) {
              const v = x.data[xBase + ci];
              for (let f = 0; f < filters; f++) acc[f] += v * a.kernel[kBase + ci * filters + f];
            }
          }
        }
        out.set(acc, ((b * oh + oy) * ow + ox) * filters);
      }
    }
  }
  return { data: out, batch: x.batch, height: oh, width: ow, channels: filters };
}

/**
 * tf.conv2dTranspose with a [kh, kw, out, in] kernel, plus bias: the gradient of
 * a conv2d over the output size (n·s for 'same', n·s + max(k − s, 0) for 'valid'),
 * computed by scattering every input pixel through the kernel.
 */
export function conv2dTranspose(x: Images, a: Conv2dArgs): Images {
  const [kh, kw] = a.kernelSize;
  const [sh, sw] = a.strides;
  const filters = a.bias.length;
  const same = a.padding === "same";
  const oh = same ? x.height * sh : x.height * sh + Math.max(kh - sh, 0);
  const ow = same ? x.width * sw : x.width * sw + Math.max(kw - sw, 0);
  const pt = same ? tfSamePadBefore(oh, kh, sh) : 0;
  const pl = same ? tfSamePadBefore(ow, kw, sw) : 0;
  const c = x.channels;
  const out = new Float64Array(x.batch * oh * ow * filters);
  for (let b = 0; b < x.batch; b++) {
    for (let iy = 0; iy < x.height; iy++) {
      for (let ix = 0; ix < x.width; ix++) {
        const xBase = ((b * x.height + iy) * x.width + ix) * c;
        for (let ky = 0; ky < kh; ky++) {
          const oy = iy * sh + ky - pt;
          if (oy < 0 || oy >= oh) continue;
          for (let kx = 0; kx < kw; kx++) {
            const ox = ix * sw + kx - pl;
            if (ox < 0 || ox >= ow) continue;
            const oBase = ((b * oh + oy) * ow + ox) * filters;
            const kBase = (ky * kw + kx) * filters * c;
            for (let f = 0; f < filters; f++) {
              let sum = 0;
              for (let ci = 0; ci < c; ci++) sum += x.data[xBase + ci] * a.kernel[kBase + f * c + ci];
              out[oBase + f] += sum;
            }
          }
        }
      }
    }
  }
  for (let i = 0; i < out.length; i++) out[i] += a.bias[i % filters];
  return { data: out, batch: x.batch, height: oh, width: ow, channels: filters };
}

export interface PoolArgs {
  poolSize: [number, number];
  strides: [number, number];
  padding: "same" | "valid";
}

/** tf.maxPool: 'same' windows ignore the padded positions. */
export function maxPool2d(x: Images, a: PoolArgs): Images {
  const [kh, kw] = a.poolSize;
  const [sh, sw] = a.strides;
  const same = a.padding === "same";
  const oh = same ? Math.ceil(x.height / sh) : Math.floor((x.height - kh) / sh) + 1;
  const ow = same ? Math.ceil(x.width / sw) : Math.floor((x.width - kw) / sw) + 1;
  const pt = same ? tfSamePadBefore(x.height, kh, sh) : 0;
  const pl = same ? tfSamePadBefore(x.width, kw, sw) : 0;
  const c = x.channels;
  const out = new Float64Array(x.batch * oh * ow * c).fill(Number.NEGATIVE_INFINITY);
  for (let b = 0; b < x.batch; b++) {
    for (let oy = 0; oy < oh; oy++) {
      for (let ox = 0; ox < ow; ox++) {
        const oBase = ((b * oh + oy) * ow + ox) * c;
        for (let ky = 0; ky < kh; ky++) {
          const iy = oy * sh + ky - pt;
          if (iy < 0 || iy >= x.height) continue;
          for (let kx = 0; kx < kw; kx++) {
            const ix = ox * sw + kx - pl;
            if (ix < 0 || ix >= x.width) continue;
            const xBase = ((b * x.height + iy) * x.width + ix) * c;
            for (let ci = 0; ci < c; ci++) out[oBase + ci] = Math.max(out[oBase + ci], x.data[xBase + ci]);
          }
        }
      }
    }
  }
  return { data: out, batch: x.batch, height: oh, width: ow, channels: c };
}

/** UpSampling2D (nearest): output pixel (y, x) copies input pixel (⌊y/fh⌋, ⌊x/fw⌋). */
export function upSampling2d(x: Images, [fh, fw]: [number, number]): Images {
  const oh = x.height * fh;
  const ow = x.width * fw;
  const c = x.channels;
  const out = new Float64Array(x.batch * oh * ow * c);
  for (let b = 0; b < x.batch; b++) {
    for (let oy = 0; oy < oh; oy++) {
      for (let ox = 0; ox < ow; ox++) {
        const src = ((b * x.height + Math.floor(oy / fh)) * x.width + Math.floor(ox / fw)) * c;
        out.set(x.data.subarray(src, src + c), ((b * oh + oy) * ow + ox) * c);
      }
    }
  }
  return { data: out, batch: x.batch, height: oh, width: ow, channels: c };
}

export function activate(values: Float64Array, activation: Activation): void {
  const f = activationFunction(activation);
  if (f) for (let i = 0; i < values.length; i++) values[i] = f(values[i]);
}

function activationFunction(activation: Activation): ((v: number) => number) | undefined {
  switch (activation) {
    case "relu":
      return (v) => Math.max(v, 0);
    case "leakyRelu":
      return (v) => (v < 0 ? LEAKY_RELU_ALPHA * v : v);
    case "elu":
      return (v) => (v > 0 ? v : ELU_ALPHA * (Math.exp(v) - 1));
    case "gelu":
      return (v) => 0.5 * v * (1 + erf(v / Math.SQRT2));
    case "tanh":
      return Math.tanh;
    case "sigmoid":
      return (v) => 1 / (1 + Math.exp(-v));
    case "linear":
      return undefined;
    default: {
      const unknown: never = activation;
      throw new AelabError(ErrorCode.InvalidSpec, `Unknown activation. Received: ${String(unknown)}`);
    }
  }
}
