/**
 * Checks the reference kernels (src/testing/reference-kernels.ts) against
 * TensorFlow.js itself (tfjs-core 4.22 + cpu backend) on many layer
 * configurations, including asymmetric 'same' pads, k < s, 'valid' padding and
 * non-square kernels. The exporter's parity tests compare ONNX Runtime with
 * that reference, so this closes the loop to TF.js semantics.
 *
 * Run: npx tsx scripts/verify-reference-against-tfjs.ts (from packages/onnx). Exits 1 on a mismatch.
 */
import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import { Random, type Activation } from "@aelab/core";
import { activate, conv2d, conv2dTranspose, maxPool2d, upSampling2d, type Images } from "../src/testing/reference-kernels.ts";

const TOLERANCE = 1e-5;
await tf.setBackend("cpu");
const rng = new Random(1);
const rand = (n: number) => Float32Array.from({ length: n }, () => rng.uniform(-1, 1));
let worst = 0;
let cases = 0;
const failures: string[] = [];

function compare(label: string, ours: Float64Array, theirs: tf.Tensor): void {
  const t = theirs.dataSync();
  let m = ours.length === t.length ? 0 : Number.POSITIVE_INFINITY;
  for (let i = 0; i < Math.min(ours.length, t.length); i++) m = Math.max(m, Math.abs(ours[i] - t[i]));
  worst = Math.max(worst, m);
  cases++;
  if (!(m <= TOLERANCE)) failures.push(`${label}: max |diff| ${m}`);
}

const B = 2;
const C = 3;
const F = 2;
for (const padding of ["same", "valid"] as const)
  for (const kh of [1, 2, 3, 4, 5])
    for (const s of [1, 2, 3])
      for (const [h, w] of [
        [5, 7],
        [6, 4],
        [7, 7],
        [8, 3],
      ]) {
        const kw = kh === 5 ? 2 : kh;
        if (padding === "valid" && (h < kh || w < kw)) continue;
        const label = `${padding} k${kh}x${kw} s${s} ${h}x${w}`;
        const xd = rand(B * h * w * C);
        const x: Images = { data: Float64Array.from(xd), batch: B, height: h, width: w, channels: C };
        const xt = tf.tensor4d(xd, [B, h, w, C]);
        const bias = rand(F);
        const k = rand(kh * kw * C * F);
        const args = { kernel: k, bias, kernelSize: [kh, kw] as [number, number], strides: [s, s] as [number, number], padding };
        compare(`conv2d ${label}`, conv2d(x, args).data, tf.add(tf.conv2d(xt, tf.tensor4d(k, [kh, kw, C, F]), [s, s], padding), tf.tensor1d(bias)));
        const y = conv2dTranspose(x, args);
        const yt = tf.conv2dTranspose(xt, tf.tensor4d(k, [kh, kw, F, C]), [B, y.height, y.width, F], [s, s], padding);
        compare(`conv2dTranspose ${label}`, y.data, tf.add(yt, tf.tensor1d(bias)));
        compare(`maxPool2d ${label}`, maxPool2d(x, { poolSize: [kh, kw], strides: [s, s], padding }).data, tf.maxPool(xt, [kh, kw], [s, s], padding));
      }

const ud = rand(2 * 3 * 5 * 2);
const up = upSampling2d({ data: Float64Array.from(ud), batch: 2, height: 3, width: 5, channels: 2 }, [2, 3]);
compare("upSampling2d 2x3", up.data, tf.image.resizeNearestNeighbor(tf.tensor4d(ud, [2, 3, 5, 2]), [6, 15]));

const v = Float32Array.from({ length: 2001 }, (_, i) => (i - 1000) / 150);
const tfActivations: Record<Activation, (t: tf.Tensor) => tf.Tensor> = {
  relu: (t) => tf.relu(t),
  leakyRelu: (t) => tf.leakyRelu(t), // tfjs-core default alpha
  elu: (t) => tf.elu(t),
  gelu: (t) => tf.mul(tf.mul(t, 0.5), tf.add(1, tf.erf(tf.div(t, Math.SQRT2)))),
  tanh: (t) => tf.tanh(t),
  sigmoid: (t) => tf.sigmoid(t),
  linear: (t) => t,
};
for (const [name, op] of Object.entries(tfActivations) as [Activation, (t: tf.Tensor) => tf.Tensor][]) {
  const ours = Float64Array.from(v);
  activate(ours, name);
  compare(`activation ${name}`, ours, op(tf.tensor1d(v)));
}

process.stdout.write(`${cases} cases, worst max |reference − tfjs| = ${worst.toExponential(2)}\n`);
if (failures.length > 0) {
  process.stderr.write(`${failures.join("\n")}\n`);
  process.exit(1);
}
