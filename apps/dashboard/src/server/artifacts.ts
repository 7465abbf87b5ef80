/**
 * Why this file exists: the only way the dashboard reads files. A request names
 * a run id and an artifact id; the file read is the path the tracker recorded
 * for that artifact of that run, and only if its size and SHA-256 still match
 * what was recorded. Nothing from a request is ever joined into a path.
 */
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { AelabError, ErrorCode, describeValue } from "@aelab/core";
import type { ArtifactRecord, RunRecord, Tracker } from "@aelab/tracking";
import { getHTTPStatusCodeFromError } from "@trpc/server/http";
import { toTRPCError } from "~/server/api/error-map";

export interface TrackedFile {
  run: RunRecord;
  artifact: ArtifactRecord;
  bytes: Uint8Array;
}

/** The newest artifact of each kind, for a run's download buttons and the playground. */
export function latestByKind(artifacts: readonly ArtifactRecord[]): Map<string, ArtifactRecord> {
  const byKind = new Map<string, ArtifactRecord>();
  for (const artifact of artifacts) {
    const seen = byKind.get(artifact.kind);
    if (!seen || seen.createdAt <= artifact.createdAt) byKind.set(artifact.kind, artifact);
  }
  return byKind;
}

/** Reads one recorded artifact of one run, checked against its recorded size and hash. */
export async function readTrackedArtifact(tracker: Tracker, runId: string, artifactId: string): Promise<TrackedFile> {
  const run = await tracker.getRun(runId);
  if (!run) throw new AelabError(ErrorCode.NotFound, `Expected the id of an existing run. Received: id=${describeValue(runId)}`);
  const artifact = (await tracker.listArtifacts(runId)).find((a) => a.id === artifactId);
  if (!artifact) {
    throw new AelabError(ErrorCode.NotFound, `Expected the id of an artifact recorded for run ${run.id}. Received: artifactId=${describeValue(artifactId)}`);
  }
  let bytes: Uint8Array;
  try {
    bytes = await readFile(/*turbopackIgnore: true*/ artifact.path);
  } catch (cause) {
    throw new AelabError(
      ErrorCode.NotFound,
      `Expected the ${artifact.kind} file recorded for run ${run.id} to exist. Received: ${artifact.path} (${(cause as NodeJS.ErrnoException).code ?? String(cause)})`,
      { cause },
    );
  }
  const sha256 = createHash("sha256").update(bytes).digest("hex");
  if (bytes.length !== artifact.bytes || sha256 !== artifact.sha256) {
    throw new AelabError(
      ErrorCode.Tracking,
      `Expected ${artifact.path} to be the ${artifact.kind} file recorded for run ${run.id} (${artifact.bytes} bytes, sha256 ${artifact.sha256.slice(0, 12)}…); it changed since. Received: ${bytes.length} bytes, sha256 ${sha256.slice(0, 12)}…`,
    );
  }
  return { run, artifact, bytes };
}

const EXTENSIONS: Record<string, string> = { "onnx-encoder": "onnx", "onnx-decoder": "onnx", "onnx-full": "onnx", weights: "aelw", evaluation: "json" };

/** The download name: run name (safe characters only), short id, kind. */
export function downloadName(run: Pick<RunRecord, "id" | "name">, kind: string): string {
  const safe = (text: string) => text.replace(/[^A-Za-z0-9._-]+/g, "_").replace(/^[._]+/, "") || "run";
  return `${safe(run.name).slice(0, 60)}-${run.id.slice(0, 8)}-${safe(kind)}.${EXTENSIONS[kind] ?? "bin"}`;
}

function errorResponse(status: number, message: string): Response {
  return Response.json({ error: message }, { status, headers: { "cache-control": "no-store" } });
}

/** The HTTP response for `GET /api/runs/:id/artifacts/:artifactId`; statuses follow the tRPC mapping of the error code. */
export async function artifactResponse(tracker: Tracker, runId: string, artifactId: string): Promise<Response> {
  if (!/^[\w-]{1,100}$/.test(runId) || !/^[\w-]{1,100}$/.test(artifactId)) {
    return errorResponse(
      400,
      `Expected run and artifact ids of 1–100 letters, digits, _ or -. Received: ${describeValue(runId)}, ${describeValue(artifactId)}`,
    );
  }
  try {
    const { run, artifact, bytes } = await readTrackedArtifact(tracker, runId, artifactId);
    const name = downloadName(run, artifact.kind);
    return new Response(new Uint8Array(bytes), {
      headers: {
        "content-type": artifact.kind === "evaluation" ? "application/json" : "application/octet-stream",
        "content-length": String(bytes.length),
        "content-disposition": `attachment; filename="${name}"`,
        etag: `"${artifact.sha256}"`,
        "x-content-type-options": "nosniff",
        "cache-control": "private, max-age=60",
      },
    });
  } catch (error) {
    const mapped = toTRPCError(error);
    if (!mapped) throw error;
    return errorResponse(getHTTPStatusCodeFromError(mapped), mapped.message);
  }
}
