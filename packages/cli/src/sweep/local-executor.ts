/**
 * The local executor: N worker processes on this machine (`aelab worker
 * --local <sweep>`, children of the sweep's process), each given
 * floor(cores / N) threads for tfjs-wasm and ONNX Runtime so trials do not
 * fight over cores. Children claim trials through the tracker themselves; this
 * side renders their events, and when one dies mid-trial it ends that run
 * crashed (so the trial is retried at once, not after the heartbeat goes
 * stale) and starts a replacement.
 */
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { availableParallelism } from "node:os";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import type { Tracker } from "@aelab/tracking";
import type { Reporter, TrialExecutor } from "@aelab/training";
import { dispatchWorkerEvent, parseWorkerEvent } from "./worker-events.ts";

const BIN = fileURLToPath(new URL("../../bin/aelab.js", import.meta.url));

export interface LocalExecutorOptions {
  sweepId: string;
  workers: number;
  db: string;
  artifactsDir: string;
  tracker: Tracker;
  /** Reporter for worker `label`'s events. */
  reporterFor: (label: string) => Reporter;
  log: (line: string) => void;
}

interface Worker {
  label: string;
  child: ChildProcessWithoutNullStreams;
  /** The run it is training, between runStart and runEnd. */
  runId: string | undefined;
  exited: Promise<void>;
}

/** Threads per worker: the machine's cores shared out, at least 1. */
export function threadsPerWorker(workers: number, cores = availableParallelism()): number {
  return Math.max(1, Math.floor(cores / workers));
}

export function localExecutor(options: LocalExecutorOptions): TrialExecutor {
  const threads = String(threadsPerWorker(options.workers));
  const live = new Set<Worker>();
  let closing = false;
  let spawned = 0;
  // Replacements for dead workers are capped, so a worker that dies on start cannot loop forever.
  const maxSpawns = options.workers * 4;
  let wake: (() => void) | undefined;
  const notify = () => wake?.();

  const start = (label: string) => {
    spawned++;
    const child = spawn(process.execPath, [BIN, "--db", options.db, "--artifacts", options.artifactsDir, "worker", "--local", options.sweepId], {
      env: { ...process.env, AELAB_WASM_THREADS: threads, AELAB_ORT_THREADS: threads },
      stdio: ["pipe", "pipe", "pipe"],
    });
    options.log(`[${label}] worker process ${child.pid} started, ${threads} thread${threads === "1" ? "" : "s"}`);
    const reporter = options.reporterFor(label);
    const worker: Worker = { label, child, runId: undefined, exited: Promise.resolve() };
    createInterface({ input: child.stdout }).on("line", (line) => {
      const e = parseWorkerEvent(line);
      if (e.type === "runStart") worker.runId = e.event.runId;
      if (e.type === "runEnd") worker.runId = undefined;
      dispatchWorkerEvent(e, reporter);
      if (e.type === "runEnd") notify();
    });
    createInterface({ input: child.stderr }).on("line", (line) => options.log(`[${label}] ${line}`));
    worker.exited = new Promise((resolve) => {
      child.on("exit", (code, signal) => {
        live.delete(worker);
        void (async () => {
          if (!closing && (code !== 0 || signal !== null)) {
            options.log(`[${label}] worker process ${child.pid} died (${signal ?? `exit code ${code}`})`);
            if (worker.runId !== undefined) {
              await options.tracker
                .endRun(worker.runId, { status: "crashed", error: `worker process ${child.pid} died (${signal ?? `exit code ${code}`})` })
                .catch(() => undefined);
              // Carries the trial along (crashTrialsOfCrashedRuns), so it can be claimed again.
              await options.tracker.reapStaleRuns(365 * 24 * 3_600_000).catch(() => undefined);
            }
            if (spawned < maxSpawns) start(label);
          }
          resolve();
          notify();
        })();
      });
    });
    live.add(worker);
  };

  for (let k = 1; k <= options.workers; k++) start(`w${k}`);
  return {
    slots: options.workers,
    async submit() {
      // Workers find claimable trials in the tracker themselves.
    },
    step() {
      return new Promise<void>((resolve) => {
        const timer = setTimeout(done, 500);
        function done() {
          clearTimeout(timer);
          wake = undefined;
          resolve();
        }
        wake = done;
      });
    },
    async close() {
      closing = true;
      const all = [...live];
      // Closing stdin tells a worker to stop: an idle one exits, a busy one interrupts its trial.
      for (const w of all) w.child.stdin.end();
      const kill = setTimeout(() => all.forEach((w) => w.child.kill("SIGKILL")), 30_000);
      await Promise.all(all.map((w) => w.exited));
      clearTimeout(kill);
    },
  };
}
