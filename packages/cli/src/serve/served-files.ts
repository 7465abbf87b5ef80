/**
 * Which files `aelab serve` was given: each argument is an .onnx file or a
 * folder of them, every file must be an aelab export, and together they must
 * be parts (encoder, decoder, full; each at most once) of the same model,
 * judged by the weights hash, the spec and the layout in their metadata.
 */
import { createHash } from "node:crypto";
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { AelabError, ErrorCode } from "@aelab/core";
import { readOnnxMetadata, type AelabOnnxMetadata, type OnnxModelInfo, type OnnxPart } from "@aelab/onnx";

export interface ServedFile {
  path: string;
  part: OnnxPart;
  bytes: number;
  /** SHA-256 of the file itself (not of the weights). */
  sha256: string;
  info: OnnxModelInfo;
  metadata: AelabOnnxMetadata;
}

function listOnnx(source: string): string[] {
  const path = resolve(source);
  let stat;
  try {
    stat = statSync(path);
  } catch (cause) {
    throw new AelabError(
      ErrorCode.NotFound,
      `aelab serve needs .onnx files written by \`aelab export\`, or a folder of them. Received: ${source} (no such file)`,
      {
        cause,
      },
    );
  }
  if (!stat.isDirectory()) return [path];
  const files = readdirSync(path)
    .filter((name) => name.toLowerCase().endsWith(".onnx"))
    .sort()
    .map((name) => join(path, name));
  if (files.length === 0) throw new AelabError(ErrorCode.NotFound, `The folder holds no .onnx file to serve. Received: ${source}`);
  return files;
}

function readServedFile(path: string): ServedFile {
  const bytes = readFileSync(path);
  let info: OnnxModelInfo;
  try {
    info = readOnnxMetadata(bytes);
  } catch (cause) {
    throw new AelabError(ErrorCode.InvalidInput, `${path} is not a readable ONNX model. Received: ${cause instanceof Error ? cause.message : String(cause)}`, {
      cause,
    });
  }
  if (!info.aelab) {
    throw new AelabError(
      ErrorCode.InvalidInput,
      `aelab serve needs files written by \`aelab export\` (they carry the spec, part and input scaling as aelab.* metadata). ` +
        `Received: ${path} from producer ${JSON.stringify(info.producerName)} with no aelab.format`,
    );
  }
  const sha256 = createHash("sha256").update(bytes).digest("hex");
  return { path, part: info.aelab.part, bytes: bytes.length, sha256, info, metadata: info.aelab };
}

function describeGroups(files: ServedFile[]): string {
  const groups = new Map<string, ServedFile[]>();
  for (const f of files) groups.set(f.metadata.weightsSha256, [...(groups.get(f.metadata.weightsSha256) ?? []), f]);
  return [...groups.values()]
    .map((g) => `${g[0].metadata.spec.name} (weights ${g[0].metadata.weightsSha256.slice(0, 12)}: ${g.map((f) => `${f.part} ${f.path}`).join(", ")})`)
    .join("; ");
}

function checkSameModel(files: ServedFile[]): void {
  const [first] = files;
  for (const f of files.slice(1)) {
    if (f.metadata.weightsSha256 !== first.metadata.weightsSha256) {
      throw new AelabError(
        ErrorCode.InvalidInput,
        `aelab serve serves one model: every file must be a part of the same export (equal aelab.weights_sha256). Pass the files of one run. Received: ${describeGroups(files)}`,
      );
    }
    if (JSON.stringify(f.metadata.spec) !== JSON.stringify(first.metadata.spec)) {
      throw new AelabError(
        ErrorCode.InvalidInput,
        `The files have the same weights hash but different specs; re-export them together with \`aelab export <run> --part …\`. Received: ${first.path} and ${f.path}`,
      );
    }
    if (f.metadata.layout !== first.metadata.layout) {
      throw new AelabError(
        ErrorCode.InvalidInput,
        `Every served file must use one input layout. Received: ${first.path} is ${first.metadata.layout}, ${f.path} is ${f.metadata.layout}`,
      );
    }
  }
  const seen = new Map<OnnxPart, string>();
  for (const f of files) {
    const other = seen.get(f.part);
    if (other !== undefined) {
      throw new AelabError(ErrorCode.InvalidInput, `Each part may be served once. Received: two ${f.part} files, ${other} and ${f.path}`);
    }
    seen.set(f.part, f.path);
  }
}

/**
 * Expands files and folders, reads each file's aelab metadata, and checks that
 * they are parts of one model. Errors are `NOT_FOUND` (no such file) or
 * `INVALID_INPUT`, naming the files.
 *
 * @example
 * const files = collectServedFiles(["artifacts/onnx/dense-h32-<run>-encoder.onnx", "artifacts/onnx/dense-h32-<run>-full.onnx"]);
 */
export function collectServedFiles(sources: readonly string[]): ServedFile[] {
  if (sources.length === 0) throw new AelabError(ErrorCode.InvalidInput, "aelab serve needs at least one .onnx file or folder. Received: none");
  const paths = [...new Set(sources.flatMap(listOnnx))];
  const files = paths.map(readServedFile);
  checkSameModel(files);
  const order: OnnxPart[] = ["encoder", "decoder", "full"];
  return files.sort((a, b) => order.indexOf(a.part) - order.indexOf(b.part));
}
