/**
 * Why this file exists: tfjs-core's Node bundle registers no gradient
 * functions, and its ESM `register_all_gradients` cannot be imported by Node
 * (extensionless relative imports). The `@tensorflow/tfjs` union package's Node
 * bundle carries tfjs-core's gradients compiled against the shared tfjs-core,
 * so importing it once registers them (plus the cpu backend factory).
 */
import * as tf from "@tensorflow/tfjs-core";
import { AelabError, ErrorCode } from "@aelab/core";
import type { ModuleImporter } from "./runtime.ts";

const PROBES = ["Conv2D", "BatchMatMul", "Mean", "MaxPool", "Sigmoid"];

export async function ensureGradients(importer: ModuleImporter): Promise<void> {
  if (PROBES.every((k) => tf.getGradient(k) !== undefined)) return;
  try {
    await importer("@tensorflow/tfjs");
  } catch (cause) {
    throw new AelabError(
      ErrorCode.BackendUnavailable,
      `tfjs gradients could not be loaded: install @tensorflow/tfjs@${tf.version_core}. Received: ${cause instanceof Error ? cause.message.split("\n")[0] : String(cause)}`,
      { cause },
    );
  }
}
