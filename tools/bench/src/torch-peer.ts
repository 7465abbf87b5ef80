/**
 * Runs the Python peer (python/torch_peer.py): the machine's sgemm peak, and
 * PyTorch on the same presets, data file and protocol. OPENBLAS_CORETYPE and
 * OPENBLAS_L2_SIZE are removed from its environment only, so OpenBLAS picks its
 * fastest kernels for this CPU (the peer measured at its best).
 */
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { CLEAN_LOAD, type QuietWaiter } from "./cpu-load.ts";
import { HELD_OUT_START, TRAIN_BATCH } from "./bench-data.ts";
import { ADAM, INFERENCE, WARMUP_STEPS, type PresetCase, type SystemResult } from "./measure-backend.ts";
import { INFER_REP_SECONDS, INFER_WARMUP_SECONDS, summarise, type RepSample, type Workload } from "./reps.ts";

export const UNSET_FOR_PEER = ["OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE"] as const;
const SCRIPT = fileURLToPath(new URL("../python/torch_peer.py", import.meta.url));
const LEAKY_RELU_ALPHA = 0.2;

export interface PeakResult {
  n: number;
  library: string;
  /** Best of the reps, GFLOP/s. */
  gflops: number;
  reps: (RepSample & { gflops: number })[];
}

/** What one call of the peer reports. */
export interface PeerReport {
  python: string | null;
  torch: string | null;
  /** Why torch (or Python itself) is unavailable. */
  torchError?: string;
  openblas?: { core?: string; config?: string; threads?: number; error?: string };
  peak: PeakResult | null;
  peakError?: string | null;
  /** The variables removed from the peer's environment, with the values this process has. */
  unsetEnv: Record<string, string | undefined>;
  results: SystemResult[];
}

interface RawAnswer extends Omit<PeerReport, "results" | "unsetEnv" | "peak"> {
  peak?: PeakResult | null;
  quietWaitSeconds: number;
  results: (Omit<SystemResult, "measurements"> & { measurements: { workload: Workload; batch: number; stepsPerRep?: number; reps: RepSample[] }[] })[];
}

export interface PeerOptions {
  python: string;
  dataPath: string;
  /** Presets to run in PyTorch; none for a peak-only call. */
  presets: readonly PresetCase[];
  reps: number;
  waiter: QuietWaiter;
  /** The sgemm to measure, if any. */
  peak?: { n: number; reps: number };
  threads: number;
}

function request(o: PeerOptions) {
  return {
    dataPath: o.dataPath,
    sampleShape: [28, 28, 1],
    batch: TRAIN_BATCH,
    heldOutStart: HELD_OUT_START,
    warmupSteps: WARMUP_STEPS,
    reps: o.reps,
    inferRepSeconds: INFER_REP_SECONDS,
    inferWarmupSeconds: INFER_WARMUP_SECONDS,
    cleanLoad: CLEAN_LOAD,
    quiet: { perRepSeconds: o.waiter.perRepSeconds, budgetSeconds: o.waiter.remainingSeconds },
    threads: o.threads,
    peak: o.peak ?? null,
    adam: ADAM,
    leakyReluAlpha: LEAKY_RELU_ALPHA,
    inference: INFERENCE,
    presets: o.presets.map((p) => ({ name: p.name, spec: p.spec, trainSteps: p.trainSteps })),
  };
}

function peerEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const name of UNSET_FOR_PEER) delete env[name];
  return env;
}

function run(python: string, input: string): Promise<{ code: number | null; stdout: string; error?: Error }> {
  return new Promise((resolve) => {
    const child = spawn(python, [SCRIPT], { env: peerEnv(), stdio: ["pipe", "pipe", "inherit"] });
    let stdout = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.on("error", (error) => resolve({ code: null, stdout, error }));
    child.on("close", (code) => resolve({ code, stdout }));
    child.stdin.on("error", () => undefined); // a child that failed to start closes stdin; the 'error' event reports why
    child.stdin.end(input);
  });
}

/** Runs the peer once; never throws for a missing Python or torch, it reports why instead. */
export async function runTorchPeer(options: PeerOptions): Promise<PeerReport> {
  const unsetEnv = Object.fromEntries(UNSET_FOR_PEER.map((name) => [name, process.env[name]]));
  const { code, stdout, error } = await run(options.python, JSON.stringify(request(options)));
  let raw: RawAnswer | undefined;
  try {
    raw = code === 0 ? (JSON.parse(stdout) as RawAnswer) : undefined;
  } catch {
    raw = undefined;
  }
  if (!raw) {
    const why = error ? `${options.python} could not start (${error.message})` : `${options.python} ${SCRIPT} exited with code ${String(code)}`;
    return { python: null, torch: null, torchError: why, peak: null, peakError: why, unsetEnv, results: [] };
  }
  options.waiter.charge(raw.quietWaitSeconds);
  const results = raw.results.map((r) => ({ ...r, measurements: r.measurements.map((m) => summarise(m.workload, m.batch, m.reps, m.stepsPerRep)) }));
  return { ...raw, peak: raw.peak ?? null, unsetEnv, results };
}
