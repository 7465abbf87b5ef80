/** Opens one exported .onnx file (bytes or a path) under onnxruntime-node. */
import { readFile } from "node:fs/promises";
import { AelabError, ErrorCode } from "@aelab/core";
import { sessionConfig } from "./internal/check-options.ts";
import { openOnnxFile, type OnnxFileHandler } from "./internal/file-handler.ts";
import { nodeRuntime } from "./internal/node-runtime.ts";
import type { OnnxruntimeOptions } from "./internal/runtime.ts";

/**
 * Loads a single ONNX file and reports its metadata. `run()` returns the first
 * output; `runAll()` returns every output, which for a VAE encoder is the code's
 * mean (`code`) and log-variance (`code_logvar`, named by `metadata.logvarName`).
 *
 * @example
 * const model = await loadOnnxModel("artifacts/onnx/conv-h16-full.onnx");
 * model.metadata?.spec.name; // "conv-h16"
 * const check = await model.runSelfTest(); // { passed: true, maxAbsDiff: 3e-8, … }
 * const y = await model.run(batch);
 *
 * @example
 * const encoder = await loadOnnxModel("artifacts/onnx/vae-h16-encoder.onnx");
 * encoder.outputNames; // ["code", "code_logvar"]
 * const { code, code_logvar } = await encoder.runAll(batch); // mean and log-variance in one pass
 */
export async function loadOnnxModel(source: Uint8Array | string, options: OnnxruntimeOptions = {}): Promise<OnnxFileHandler> {
  const config = sessionConfig(options, ["cpu"]);
  if (typeof source !== "string") return openOnnxFile(nodeRuntime(), config, source, "ONNX model bytes");
  let bytes: Uint8Array;
  try {
    bytes = await readFile(source);
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code === "ENOENT" ? ErrorCode.NotFound : ErrorCode.InvalidData;
    throw new AelabError(code, `Cannot read the ONNX file. Received: ${source} (${String(cause)})`, { cause });
  }
  return openOnnxFile(nodeRuntime(), config, bytes, source);
}
