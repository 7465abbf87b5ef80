/**
 * `aelab worker`: runs sweep trials. With `--db postgres://…` it works the
 * pg-boss trial queue until stopped (SIGINT/SIGTERM interrupt the trial in
 * progress, which the sweep re-queues). `--local <sweep>` is the hidden mode
 * the local executor starts: it claims the sweep's trials straight from the
 * tracker, reports as JSON lines on stdout, and stops when the sweep ends or
 * its parent closes stdin.
 */
import { AelabError, ErrorCode } from "@aelab/core";
import { createTracker, type Tracker } from "@aelab/tracking";
import { createTrialWorker, parseSweepConfig, sweepBaselinesDir, type Reporter, type TrialWorker } from "@aelab/training";
import type { CliContext } from "../context.ts";
import { EXIT } from "../exit-codes.ts";
import { createProgressReporter } from "../progress.ts";
import { createRegistry } from "../registry.ts";
import { runTiming } from "../run-timing.ts";
import { TRIAL_QUEUE, startBoss, type TrialJob } from "../sweep/pg-queue.ts";
import { jsonLineReporter } from "../sweep/worker-events.ts";

export interface WorkerFlags {
  local?: string;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function workersBySweep(tracker: Tracker, ctx: CliContext, reporter: Reporter, signal: AbortSignal) {
  const registry = createRegistry();
  const { heartbeatMs } = runTiming();
  const cache = new Map<string, TrialWorker>();
  return async (sweepId: string): Promise<TrialWorker> => {
    const hit = cache.get(sweepId);
    if (hit) return hit;
    const record = await tracker.getSweep(sweepId);
    if (!record) throw new AelabError(ErrorCode.NotFound, `Expected a recorded sweep to work on. Received: sweep ${sweepId}`);
    const sweep = parseSweepConfig(record.config, `sweep ${sweepId}`);
    const baselinesDir = sweepBaselinesDir(ctx.artifactsDir, sweepId);
    const worker = createTrialWorker({ sweep, sweepId, tracker, registry, artifactsDir: ctx.artifactsDir, reporter, signal, heartbeatMs, baselinesDir });
    cache.set(sweepId, worker);
    return worker;
  };
}

async function localWorker(sweepId: string, ctx: CliContext): Promise<number> {
  const parent = new AbortController();
  process.stdin.on("end", () => parent.abort("the sweep process stopped"));
  process.stdin.on("error", () => parent.abort("the sweep process stopped"));
  process.stdin.resume();
  const signal = AbortSignal.any([ctx.signal, parent.signal]);
  const tracker = await createTracker({ url: ctx.db });
  try {
    const workerFor = workersBySweep(
      tracker,
      ctx,
      jsonLineReporter((line) => process.stdout.write(line)),
      signal,
    );
    const worker = await workerFor(sweepId);
    while (!signal.aborted) {
      const [index] = await worker.claimable();
      if (index === undefined) {
        if ((await tracker.getSweep(sweepId))?.endedAt) break;
        await sleep(300);
        continue;
      }
      await worker.run(index);
    }
    return EXIT.ok;
  } finally {
    process.stdin.pause();
    await tracker.close();
  }
}

async function queueWorker(ctx: CliContext): Promise<number> {
  if (!/^postgres(ql)?:\/\//.test(ctx.db)) {
    throw new AelabError(ErrorCode.InvalidInput, `aelab worker pulls trials from pg-boss, so --db must be a postgresql:// URL. Received: --db ${ctx.db}`);
  }
  const tracker = await createTracker({ url: ctx.db });
  const reporter = createProgressReporter();
  const boss = await startBoss(ctx.db, (error) => ctx.err(`pg-boss: ${error.message}`));
  try {
    const workerFor = workersBySweep(tracker, ctx, reporter, ctx.signal);
    await boss.work<TrialJob>(TRIAL_QUEUE, { pollingIntervalSeconds: 1, batchSize: 1 }, async ([job]) => {
      const { sweepId, index } = job.data;
      const attempt = await (await workerFor(sweepId)).run(index);
      if (attempt.claimed) return { status: attempt.status };
      const trial = (await tracker.listTrials(sweepId)).find((t) => t.index === index);
      // Running elsewhere: fail the job so pg-boss offers it again later, in case that process dies.
      if (trial?.status === "running") throw new Error(`trial ${index} of sweep ${sweepId} is running in another process`);
      return { status: trial?.status ?? "unknown" };
    });
    ctx.err(`aelab worker: waiting for trials on ${TRIAL_QUEUE} (stop with Ctrl-C)`);
    await new Promise<void>((resolve) => (ctx.signal.aborted ? resolve() : ctx.signal.addEventListener("abort", () => resolve(), { once: true })));
    return EXIT.ok;
  } finally {
    await boss.stop({ graceful: true, wait: true, timeout: 60_000 });
    reporter.stop();
    await tracker.close();
  }
}

export function workerCommand(flags: WorkerFlags, ctx: CliContext): Promise<number> {
  return flags.local ? localWorker(flags.local, ctx) : queueWorker(ctx);
}
