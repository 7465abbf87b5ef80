/** Artifact downloads against a real SQLite tracker and real files. */
import { createHash } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { createTracker, type Tracker } from "@aelab/tracking";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { artifactResponse, downloadName, latestByKind } from "./artifacts";

let dir: string;
let tracker: Tracker;
let runId: string;
let otherRunId: string;
const ids: Record<string, string> = {};
const encoderBytes = Buffer.from("pretend ONNX bytes: \u0000\u0001\u0002");

async function record(run: string, kind: string, file: string, bytes: Buffer): Promise<string> {
  const full = path.join(dir, file);
  writeFileSync(full, bytes);
  const artifact = await tracker.logArtifact(run, { kind, path: full, bytes: bytes.length, sha256: createHash("sha256").update(bytes).digest("hex") });
  return artifact.id;
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), "aelab-dashboard-artifacts-"));
  tracker = await createTracker({ url: `file:${path.join(dir, "runs.db")}` });
  runId = (await tracker.startRun({ experimentName: "artifacts", name: "conv h/16 <b>", architecture: "conv", hiddenSize: 16, spec: {} })).id;
  otherRunId = (await tracker.startRun({ experimentName: "artifacts", name: "other", architecture: "dense", hiddenSize: 2, spec: {} })).id;
  ids.encoder = await record(runId, "onnx-encoder", "encoder.onnx", encoderBytes);
  ids.tampered = await record(runId, "onnx-decoder", "decoder.onnx", Buffer.from("original"));
  writeFileSync(path.join(dir, "decoder.onnx"), Buffer.from("replaced"));
  ids.gone = await record(runId, "weights", "weights.aelw", Buffer.from("w"));
  rmSync(path.join(dir, "weights.aelw"));
  ids.foreign = await record(otherRunId, "onnx-encoder", "other.onnx", Buffer.from("other run"));
});

afterAll(async () => {
  await tracker?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("artifactResponse", () => {
  it("serves the recorded bytes as a download named after the run", async () => {
    const response = await artifactResponse(tracker, runId, ids.encoder);
    expect(response.status).toBe(200);
    expect(Buffer.from(await response.arrayBuffer())).toEqual(encoderBytes);
    expect(response.headers.get("content-type")).toBe("application/octet-stream");
    expect(response.headers.get("content-disposition")).toBe(`attachment; filename="conv_h_16_b_-${runId.slice(0, 8)}-onnx-encoder.onnx"`);
    expect(response.headers.get("etag")).toBe(`"${createHash("sha256").update(encoderBytes).digest("hex")}"`);
  });

  it("answers 404 for an artifact of another run, an unknown id or a missing file", async () => {
    for (const [run, artifact] of [
      [runId, ids.foreign],
      [runId, "no-such-artifact"],
      ["no-such-run", ids.encoder],
      [runId, ids.gone],
    ]) {
      const response = await artifactResponse(tracker, run, artifact);
      expect(response.status, `${run} ${artifact}`).toBe(404);
      expect(((await response.json()) as { error: string }).error).toContain("Received:");
    }
  });

  it("refuses a file that changed since it was recorded", async () => {
    const response = await artifactResponse(tracker, runId, ids.tampered);
    expect(response.status).toBe(500);
    expect(((await response.json()) as { error: string }).error).toMatch(/it changed since\. Received: 8 bytes/);
  });

  it("never treats an id as a path", async () => {
    for (const artifact of ["../runs.db", "..%2Fruns.db", path.join(dir, "encoder.onnx"), ""]) {
      const response = await artifactResponse(tracker, runId, artifact);
      expect(response.status, artifact).toBe(400);
    }
  });
});

describe("helpers", () => {
  it("keeps the newest artifact of each kind", async () => {
    const again = await record(runId, "onnx-encoder", "encoder2.onnx", Buffer.from("newer"));
    const latest = latestByKind(await tracker.listArtifacts(runId));
    expect(latest.get("onnx-encoder")?.id).toBe(again);
    expect([...latest.keys()].sort()).toEqual(["onnx-decoder", "onnx-encoder", "weights"]);
  });

  it("builds file names from safe characters only", () => {
    expect(downloadName({ id: "0123456789", name: "../../etc/passwd" }, "weights")).toBe("etc_passwd-01234567-weights.aelw");
    expect(downloadName({ id: "abcdefgh", name: "<img src=x>" }, "evaluation")).toBe("img_src_x_-abcdefgh-evaluation.json");
  });
});
