/**
 * Which onnxruntime-node execution providers this installation can use. The
 * npm package bundles the CPU provider (and WebGPU); CUDA and TensorRT are
 * shared libraries that its install script downloads from NuGet only when
 * asked, so a requested one may be missing. Missing ones are dropped when a
 * later provider in the list can run, and refused with the install command
 * when none can.
 */
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { AelabError, ErrorCode } from "@aelab/core";

/** Providers that ship as separate shared libraries, by the library's base name. */
const DOWNLOADED: Record<string, string> = { cuda: "onnxruntime_providers_cuda", tensorrt: "onnxruntime_providers_tensorrt" };

export const CUDA_INSTALL_HINT =
  "install the CUDA provider with `ONNXRUNTIME_NODE_INSTALL=cuda12 npm rebuild onnxruntime-node` on a machine with CUDA 12, cuDNN 9 and access to api.nuget.org";

function libraryFile(base: string): string {
  if (process.platform === "win32") return `${base}.dll`;
  return process.platform === "darwin" ? `lib${base}.dylib` : `lib${base}.so`;
}

/** The folder holding onnxruntime-node's native binding and provider libraries. */
export function nodeBindingDir(): string {
  const entry = createRequire(import.meta.url).resolve("onnxruntime-node");
  return join(dirname(entry), "..", "bin", "napi-v6", process.platform, process.arch);
}

export interface ProviderChoice {
  /** The requested providers this installation has, in the requested order. */
  usable: string[];
  /** Requested providers dropped because their library is missing, with the reason. */
  dropped: { name: string; reason: string }[];
}

export function chooseNodeProviders(requested: readonly string[], bindingDir = nodeBindingDir()): ProviderChoice {
  const choice: ProviderChoice = { usable: [], dropped: [] };
  for (const name of requested) {
    const base = DOWNLOADED[name.toLowerCase()];
    const file = base === undefined ? undefined : libraryFile(base);
    if (file !== undefined && !existsSync(join(bindingDir, file))) {
      const hint = name.toLowerCase() === "cuda" ? CUDA_INSTALL_HINT : `install onnxruntime-node's ${name} provider`;
      choice.dropped.push({ name, reason: `${file} is not in ${bindingDir}; ${hint}` });
    } else {
      choice.usable.push(name);
    }
  }
  if (choice.usable.length === 0) {
    throw new AelabError(
      ErrorCode.BackendUnavailable,
      `None of the requested execution providers can run in this onnxruntime-node installation: ${choice.dropped.map((d) => `${d.name}: ${d.reason}`).join("; ")}. ` +
        `List "cpu" after it to fall back to the CPU. Received: executionProviders=${JSON.stringify(requested)}`,
    );
  }
  return choice;
}
