/** Files a run produced (weights, ONNX exports, reconstructions): metadata only. */
import { orderedId } from "./ordered-id.ts";
import type { ArtifactInput, ArtifactRecord } from "../tracker.ts";
import type { Db } from "./prisma-client.ts";
import { tracked } from "./prisma-errors.ts";
import { requireRunExists } from "./run-store.ts";
import { requireArtifact, requireText } from "./validate.ts";

const artifactSelect = {
  id: true,
  runId: true,
  kind: true,
  path: true,
  bytes: true,
  sha256: true,
  createdAt: true,
} as const;

function toArtifactRecord(row: { id: string; runId: string; kind: string; path: string; bytes: bigint; sha256: string; createdAt: Date }): ArtifactRecord {
  return { ...row, bytes: Number(row.bytes) };
}

export async function logArtifact(db: Db, runId: string, input: ArtifactInput): Promise<ArtifactRecord> {
  requireText("runId", runId);
  const artifact = requireArtifact(input);
  const row = await tracked({ operation: "log an artifact", subject: `runId=${JSON.stringify(runId)}` }, () =>
    db.artifact.create({
      data: {
        id: orderedId(),
        runId,
        kind: artifact.kind,
        path: artifact.path,
        bytes: BigInt(artifact.bytes),
        sha256: artifact.sha256,
        createdAt: new Date(),
      },
      select: artifactSelect,
    }),
  );
  return toArtifactRecord(row);
}

/** Artifacts of a run, oldest first. NOT_FOUND for an unknown run. */
export async function listArtifacts(db: Db, runId: string): Promise<ArtifactRecord[]> {
  requireText("runId", runId);
  const rows = await tracked({ operation: "list artifacts" }, () =>
    db.artifact.findMany({
      where: { runId },
      select: artifactSelect,
      orderBy: [{ createdAt: "asc" }, { id: "asc" }],
    }),
  );
  if (rows.length === 0) await requireRunExists(db, runId);
  return rows.map(toArtifactRecord);
}
