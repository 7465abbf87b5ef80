import { loadOnnxModel } from "@aelab/backend-onnxruntime";
import { AelabError, ErrorCode } from "@aelab/core";
import { createTracker } from "@aelab/tracking";
import { exportRun, type ExportPart } from "@aelab/training";
import { extname, resolve } from "node:path";
import type { CliContext } from "../context.ts";
import { EXIT } from "../exit-codes.ts";
import { table } from "../format.ts";
import { createRegistry } from "../registry.ts";

const PARTS = ["encoder", "decoder", "full"] as const;

export interface ExportFlags {
  part: string[];
  out?: string;
  layout?: string;
  allowMismatch?: boolean;
}

export async function exportCommand(runId: string, flags: ExportFlags, ctx: CliContext): Promise<number> {
  // Each part once, in the order given: `--part full,full` writes one file.
  const parts = [...new Set(flags.part.flatMap((p) => p.split(",")).map((p) => p.trim()))];
  const bad = parts.find((p) => !(PARTS as readonly string[]).includes(p));
  if (bad) throw new AelabError(ErrorCode.InvalidInput, `--part must be encoder, decoder or full. Received: ${JSON.stringify(bad)}`);
  // `--out model.onnx` names one file; otherwise it is a folder.
  const single = flags.out !== undefined && extname(flags.out).toLowerCase() === ".onnx";
  if (single && parts.length !== 1) {
    throw new AelabError(ErrorCode.InvalidInput, `--out names one .onnx file, so give exactly one --part. Received: --part ${parts.join(",")}`);
  }
  const layout = flags.layout ?? "nhwc";
  if (layout !== "nhwc" && layout !== "nchw")
    throw new AelabError(ErrorCode.InvalidInput, `--layout must be nhwc or nchw. Received: ${JSON.stringify(layout)}`);
  const outDir = single ? "." : resolve(flags.out ?? "artifacts/onnx");
  const tracker = await createTracker({ url: ctx.db });
  try {
    const result = await exportRun({
      tracker,
      registry: createRegistry(),
      runId,
      parts: parts as ExportPart[],
      outDir,
      allowMismatch: flags.allowMismatch,
      layout,
      openFile: (bytes) => loadOnnxModel(bytes),
      paths: single ? { [parts[0]]: resolve(flags.out!) } : undefined,
    });
    ctx.out(
      table(
        ["part", "file", "bytes", `max |onnxruntime-node − ${result.referenceBackend}|`],
        result.files.map((f) => [f.part, f.path, f.bytes, f.parity.toExponential(2)]),
        ["l", "l", "r", "r"],
      ),
    );
    return EXIT.ok;
  } finally {
    await tracker.close();
  }
}
