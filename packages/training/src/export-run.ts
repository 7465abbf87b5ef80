/**
 * Export is a parity gate: write the run's encoder / decoder / full model as
 * ONNX, run them under ONNX Runtime on real validation samples, compare with
 * the backend that trained the run (for a run trained on ONNX Runtime, with
 * another backend: see `referenceBackend`), and record the figure on the run.
 *
 * Both sides are driven through the `ModelHandler` contract, which makes a
 * variational autoencoder deterministic at inference: the encoder parity
 * compares the ONNX encoder's mean output (`code`) with the training backend's
 * `encode` (the mean), and the full parity compares the ONNX full model, which
 * decodes the mean, with `reconstruct`. The encoder file's second output, the
 * log-variance, has no counterpart on `ModelHandler`; the exporter's tests check
 * it against the reference forward pass.
 */
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import {
  AelabError,
  ErrorCode,
  autoencoderSpecSchema,
  deserializeWeights,
  maxAbsDiff,
  nchwToNhwc,
  nhwcToNchw,
  sliceBatch,
  type AutoencoderSpec,
  type Backend,
  type BackendRegistry,
  type Float32Tensor,
  type ModelHandler,
} from "@aelab/core";
import { fromIndices, loadMnist } from "@aelab/data";
import { exportOnnx, type OnnxLayout } from "@aelab/onnx";
import { prepareData } from "./datasets.ts";
import { inSource, type DataConfig } from "./run-config.ts";
import type { Tracker } from "@aelab/tracking";

export type ExportPart = "encoder" | "decoder" | "full";

export interface ExportRunOptions {
  tracker: Tracker;
  registry: BackendRegistry;
  runId: string;
  parts: ExportPart[];
  outDir: string;
  /** Samples for the parity check; defaults to the run's own validation split (first 256). */
  samples?: Float32Tensor;
  /** Maximum absolute difference allowed between ONNX Runtime and the training backend. */
  tolerance?: number;
  /** Write the files even when parity fails (they are still flagged on the run). */
  allowMismatch?: boolean;
  /** Exact file paths per part, overriding `<outDir>/<name>-<run id>-<part>.onnx`. */
  paths?: Partial<Record<ExportPart, string>>;
  /** Backend used to run the ONNX files (default `onnxruntime`) when `openFile` is not given. */
  onnxBackend?: string;
  /**
   * Channels-last (`nhwc`, default: the trained model's layout) or channels-first
   * (`nchw`) image I/O in the written files. `nchw` needs `openFile`.
   */
  layout?: OnnxLayout;
  /**
   * Opens ONNX bytes under ONNX Runtime (the CLI passes onnxruntime-node's
   * `loadOnnxModel`). When given, the gate runs the exact bytes that will be
   * written, self-test and metadata included, in their own layout; otherwise it
   * runs `onnxBackend`'s model of the same spec and weights.
   */
  openFile?: (bytes: Uint8Array) => Promise<OnnxFileRunner>;
}

/** What the gate needs of a loaded ONNX file: run its first output, and let go. */
export interface OnnxFileRunner {
  run(x: Float32Tensor): Promise<Float32Tensor>;
  dispose(): Promise<void>;
}

export interface ExportedFile {
  part: ExportPart;
  path: string;
  bytes: number;
  sha256: string;
  /** Max |ONNX Runtime − training backend| on the parity samples. */
  parity: number;
}

export interface ExportRunResult {
  runId: string;
  referenceBackend: string;
  /** What ran the ONNX side: a backend name, or "file" when the written bytes were run through `openFile`. */
  onnxBackend: string;
  layout: OnnxLayout;
  samples: number;
  files: ExportedFile[];
}

/**
 * The run's own validation samples, as the model saw them. Runs record their
 * resolved `data:` block (`split.config`), which rebuilds the same split and
 * scaling for every source; older MNIST runs are rebuilt from their indices.
 */
function validationSamples(split: unknown, count: number): Float32Tensor {
  const s = split as { source?: string; limit?: number | null; validationIndices?: number[]; seed?: number; config?: DataConfig } | null;
  if (s?.config !== undefined) {
    const { validation } = inSource("the run's stored data block", () => prepareData(s.config!)).split;
    return sliceBatch(validation, 0, Math.min(count, validation.shape[0]));
  }
  if (!s || s.source !== "mnist" || !Array.isArray(s.validationIndices)) {
    throw new AelabError(
      ErrorCode.InvalidInput,
      `The run has no stored ${"mnist"} validation split to check parity on; pass samples explicitly. Received: split=${JSON.stringify(s)?.slice(0, 120)}`,
    );
  }
  const dataset = loadMnist({ limit: s.limit ?? undefined });
  const idx = Uint32Array.from(s.validationIndices.slice(0, count));
  return fromIndices(dataset, new Uint32Array(0), idx, s.seed ?? 0).validation;
}

export async function exportRun(options: ExportRunOptions): Promise<ExportRunResult> {
  const { tracker, runId } = options;
  const tolerance = options.tolerance ?? 1e-4;
  const run = await tracker.getRun(runId);
  if (!run) throw new AelabError(ErrorCode.NotFound, `No run with id ${runId}. Received: ${JSON.stringify(runId)}`);
  const weightsArtifact = (await tracker.listArtifacts(runId)).filter((a) => a.kind === "weights").at(-1);
  if (!weightsArtifact) {
    throw new AelabError(
      ErrorCode.NotFound,
      `Run ${runId} (${run.name}) has no saved weights to export; ${
        run.status === "running" || run.status === "queued" ? `it is still ${run.status}: export it once it has finished` : `it ended ${run.status}`
      }. Received: no "weights" artifact`,
    );
  }
  const spec = autoencoderSpecSchema.parse(run.spec);
  const weights = deserializeWeights(readFileSync(weightsArtifact.path), weightsArtifact.path);
  const layout = options.layout ?? "nhwc";
  if (layout !== "nhwc" && layout !== "nchw") {
    throw new AelabError(ErrorCode.InvalidInput, `layout must be "nhwc" or "nchw". Received: ${JSON.stringify(layout)}`);
  }
  if (layout === "nchw" && !options.openFile) {
    throw new AelabError(
      ErrorCode.InvalidInput,
      `An NCHW export is checked by running the written bytes, which needs openFile. Received: layout "nchw" without openFile`,
    );
  }
  const samples = options.samples ?? validationSamples(run.split, 256);

  const reference = await referenceBackend(options.registry, run.backend, spec);
  const refModel = await reference.createModel({ spec, weights });
  const files: ExportedFile[] = [];
  let onnxName = "file";
  try {
    const selfTests = await selfTestCases(refModel, sliceBatch(samples, 0, Math.min(SELF_TEST_SAMPLES, samples.shape[0])));
    const bytes = {} as Record<ExportPart, Uint8Array>;
    for (const part of options.parts) {
      const metadata = { "aelab.run_id": runId, "aelab.run_name": run.name };
      const selfTest = { input: toLayout(selfTests[part].input, layout), output: toLayout(selfTests[part].output, layout) };
      bytes[part] = await exportOnnx({ spec, weights, part, layout, metadata, selfTest });
    }
    let parity: Record<ExportPart, number>;
    if (options.openFile) {
      parity = await fileParity(refModel, { bytes, layout, open: options.openFile }, samples);
    } else {
      const onnx = await options.registry.resolve(options.onnxBackend ?? "onnxruntime", { purpose: "infer", spec });
      onnxName = onnx.info().name;
      const onnxModel = await onnx.createModel({ spec, weights });
      try {
        parity = await measureParity(refModel, onnxModel, samples);
      } finally {
        await onnxModel.dispose();
      }
    }
    await tracker.logMetrics(
      runId,
      options.parts.map((part) => ({ key: `onnx_parity_${part}`, value: parity[part], step: 0 })),
    );
    const worst = Math.max(...options.parts.map((p) => parity[p]));
    if (!(worst <= tolerance) && !options.allowMismatch) {
      throw new AelabError(
        ErrorCode.ExportParity,
        `ONNX export of run ${runId} differs from ${reference.info().name} by up to ${worst.toExponential(2)} (tolerance ${tolerance}); nothing was written. ` +
          `Received: ${options.parts.map((p) => `${p}=${parity[p].toExponential(2)}`).join(", ")}`,
      );
    }
    const dir = resolve(options.outDir);
    mkdirSync(dir, { recursive: true });
    for (const part of options.parts) {
      const suffix = layout === "nchw" ? `${part}-nchw` : part;
      const path = resolve(options.paths?.[part] ?? join(dir, `${safeName(run.name)}-${runId}-${suffix}.onnx`));
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, bytes[part]);
      const sha256 = createHash("sha256").update(bytes[part]).digest("hex");
      await tracker.logArtifact(runId, { kind: `onnx-${part}`, path, bytes: bytes[part].length, sha256 });
      files.push({ part, path, bytes: bytes[part].length, sha256, parity: parity[part] });
    }
  } finally {
    await refModel.dispose();
  }
  return { runId, referenceBackend: reference.info().name, onnxBackend: onnxName, layout, samples: samples.shape[0], files };
}

const onOnnxRuntime = (name: string) => name.startsWith("onnxruntime");

/**
 * The backend whose outputs the files must reproduce: the one that trained the
 * run. A run trained on ONNX Runtime would be compared with the very graphs
 * being exported, so it is checked against the first other registered backend
 * that can run the spec (tfjs in the CLI), and against ONNX Runtime itself only
 * when there is none.
 */
async function referenceBackend(registry: BackendRegistry, trainedOn: string | null, spec: AutoencoderSpec): Promise<Backend> {
  const others = registry.names().filter((name) => !onOnnxRuntime(name));
  if (trainedOn !== null && onOnnxRuntime(trainedOn) && others.length > 0) {
    try {
      return await registry.resolve(others, { purpose: "infer", spec });
    } catch {
      // None of them can run this spec here: fall back to the training backend.
    }
  }
  return registry.resolve(trainedOn ?? "auto", { purpose: "infer", spec });
}

function toLayout(t: Float32Tensor, layout: OnnxLayout): Float32Tensor {
  return layout === "nchw" ? nhwcToNchw(t) : t;
}

/**
 * Max |file − training backend| per part, running the exact bytes to be
 * written. NCHW files get channels-first inputs and their outputs are turned
 * back to channels-last before comparing.
 */
async function fileParity(
  model: ModelHandler,
  files: { bytes: Partial<Record<ExportPart, Uint8Array>>; layout: OnnxLayout; open: NonNullable<ExportRunOptions["openFile"]> },
  samples: Float32Tensor,
): Promise<Record<ExportPart, number>> {
  const result = { encoder: 0, decoder: 0, full: 0 };
  const runners: Partial<Record<ExportPart, OnnxFileRunner>> = {};
  try {
    for (const [part, bytes] of Object.entries(files.bytes) as [ExportPart, Uint8Array][]) runners[part] = await files.open(bytes);
    const run = async (part: ExportPart, x: Float32Tensor) => {
      const out = await runners[part]!.run(toLayout(x, files.layout));
      return files.layout === "nchw" ? nchwToNhwc(out) : out;
    };
    for (let start = 0; start < samples.shape[0]; start += 128) {
      const x = sliceBatch(samples, start, Math.min(samples.shape[0], start + 128));
      const code = await model.encode(x);
      if (runners.encoder) result.encoder = Math.max(result.encoder, maxAbsDiff(code, await run("encoder", x)));
      if (runners.decoder) result.decoder = Math.max(result.decoder, maxAbsDiff(await model.decode(code), await run("decoder", code)));
      if (runners.full) result.full = Math.max(result.full, maxAbsDiff(await model.reconstruct(x), await run("full", x)));
    }
  } finally {
    for (const runner of Object.values(runners)) await runner.dispose();
  }
  return result;
}

/** Validation samples stored in each file as its self-test (what `aelab serve` checks at start-up). */
const SELF_TEST_SAMPLES = 2;

/**
 * Each part's self-test: inputs in the exported (default NHWC) layout and the
 * training backend's outputs for them, so a runtime that later loads the file
 * is checked against the backend the run was trained on.
 */
async function selfTestCases(model: ModelHandler, x: Float32Tensor): Promise<Record<ExportPart, { input: Float32Tensor; output: Float32Tensor }>> {
  const code = await model.encode(x);
  return {
    encoder: { input: x, output: code },
    decoder: { input: code, output: await model.decode(code) },
    full: { input: x, output: await model.reconstruct(x) },
  };
}

/** Max |a − b| per part; `a` is the training backend, `b` the ONNX one. For a VAE every code is the mean. */
async function measureParity(a: ModelHandler, b: ModelHandler, samples: Float32Tensor): Promise<Record<ExportPart, number>> {
  const result = { encoder: 0, decoder: 0, full: 0 };
  for (let start = 0; start < samples.shape[0]; start += 128) {
    const x = sliceBatch(samples, start, Math.min(samples.shape[0], start + 128));
    const codeA = await a.encode(x);
    result.encoder = Math.max(result.encoder, maxAbsDiff(codeA, await b.encode(x)));
    result.decoder = Math.max(result.decoder, maxAbsDiff(await a.decode(codeA), await b.decode(codeA)));
    result.full = Math.max(result.full, maxAbsDiff(await a.reconstruct(x), await b.reconstruct(x)));
  }
  return result;
}

function safeName(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]+/g, "_").slice(0, 60) || "run";
}
