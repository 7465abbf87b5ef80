/**
 * Local sweep scaling: the same grid sweep with 1 worker (in-process, 1 thread)
 * and with N worker processes (floor(cores / N) threads each), alternated for a
 * few rounds, each into a fresh SQLite file. Prints trials per hour over the
 * whole command and over the trials alone (first run start to last run end,
 * without process start-up and the one PCA fit), and the load average, because
 * on a shared machine other jobs decide most of the answer.
 *
 * Usage (from packages/cli): npx tsx scripts/bench-sweep-scaling.ts <sweep.yaml> [workers=2] [rounds=2]
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { createTracker } from "@aelab/tracking";

const [file, workersArg = "2", roundsArg = "2"] = process.argv.slice(2);
if (!file) throw new Error("usage: bench-sweep-scaling.ts <sweep.yaml> [workers] [rounds]");
const BIN = fileURLToPath(new URL("../bin/aelab.js", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "aelab-scaling-"));

async function once(workers: number, round: number): Promise<string> {
  const db = join(dir, `w${workers}-r${round}.db`);
  const started = performance.now();
  const env = { ...process.env, CI: "true", ...(workers === 1 ? { AELAB_ORT_THREADS: "1", AELAB_WASM_THREADS: "1" } : {}) };
  const r = spawnSync(
    process.execPath,
    [BIN, "--db", db, "--artifacts", join(dir, "artifacts"), "sweep", resolve(file), "--workers", String(workers), "--no-export"],
    { env },
  );
  const seconds = (performance.now() - started) / 1000;
  if (r.status !== 0) throw new Error(`sweep exited ${r.status}: ${r.stderr.toString().slice(-2000)}`);
  const tracker = await createTracker({ url: `file:${db}` });
  try {
    const { runs } = await tracker.listRuns({ status: ["finished"], limit: 1000 });
    const first = Math.min(...runs.map((x) => x.startedAt.getTime()));
    const last = Math.max(...runs.map((x) => x.endedAt!.getTime()));
    const perHour = (n: number, s: number) => Math.round((n * 3600) / s);
    return `round ${round}  workers ${workers}  trials ${runs.length}  command ${seconds.toFixed(1)} s (${perHour(runs.length, seconds)}/h)  trials only ${((last - first) / 1000).toFixed(1)} s (${perHour(runs.length, (last - first) / 1000)}/h)  load ${loadavg()[0].toFixed(1)}`;
  } finally {
    await tracker.close();
  }
}

try {
  for (let round = 1; round <= Number(roundsArg); round++) {
    for (const workers of [1, Number(workersArg)]) process.stdout.write(`${await once(workers, round)}\n`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
