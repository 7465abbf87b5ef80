/**
 * Progress for sweeps and runs: live bars on a terminal (the sweep's trials
 * with the best so far, and one bar per worker with its trial's epoch and
 * batch), one line per event otherwise (CI logs). Worker processes send their
 * events as JSON lines (worker-events.ts); `forWorker` labels them.
 */
import type { Reporter, SweepProgressEvent } from "@aelab/training";
import cliProgress from "cli-progress";
import { fmt } from "./format.ts";

export type ProgressReporter = Reporter & {
  stop(): void;
  /** The same reporter, for the runs of one worker (its bar and line prefix). */
  forWorker(label: string): Reporter;
};

interface WorkerState {
  bar: cliProgress.SingleBar | undefined;
  epochs: number;
  runName: string;
}

/** Trial counts and the best so far; with `withRunning`, each trial in progress and its epoch (workers on other machines). */
function describeProgress(e: SweepProgressEvent, withRunning: boolean): string {
  const parts = Object.entries(e.counts)
    .filter(([k, n]) => n > 0 && k !== "skipped")
    .map(([k, n]) => `${k} ${n}`);
  const best = e.best ? `  best ${e.best.metric} ${fmt(e.best.value)} (${e.best.name})` : "";
  const running =
    withRunning && e.running.length > 0
      ? `  running: ${e.running.map((r) => `#${r.trialIndex} ${r.name} epoch ${r.epoch}/${r.epochs}${r.host ? ` on ${r.host}` : ""}`).join("; ")}`
      : "";
  return `${e.done}/${e.total} done${parts.length ? ` (${parts.join(", ")})` : ""}${best}${running}`;
}

export function createProgressReporter(stream: NodeJS.WriteStream = process.stderr): ProgressReporter {
  const tty = stream.isTTY === true && process.env.CI !== "true";
  const multi = tty
    ? new cliProgress.MultiBar(
        { stream, clearOnComplete: false, hideCursor: true, barsize: 24, format: " {label} |{bar}| {value}/{total} {info}" },
        cliProgress.Presets.shades_classic,
      )
    : undefined;
  let sweepBar: cliProgress.SingleBar | undefined;
  let stopped = false;
  let lastProgress = "";
  // Runs reported to this process (its own, or its local workers'): their epochs have lines and bars of their own.
  let localRuns = false;
  const workers = new Map<string, WorkerState>();
  const say = (line: string) => (multi ? multi.log(`${line}\n`) : stream.write(`${line}\n`));
  const stateOf = (label: string) => {
    let s = workers.get(label);
    if (!s) workers.set(label, (s = { bar: undefined, epochs: 0, runName: "" }));
    return s;
  };

  const reporterFor = (label: string): Reporter => {
    const prefix = label ? `[${label}] ` : "";
    return {
      runStart(e) {
        localRuns = true;
        const s = stateOf(label);
        s.epochs = e.epochs;
        s.runName = e.name;
        const barLabel = `${label ? `${label} ` : ""}${e.name}`.slice(0, 18).padEnd(18);
        if (s.bar) {
          s.bar.setTotal(1);
          s.bar.update(0, { label: barLabel, info: "" });
        } else {
          s.bar = multi?.create(1, 0, { label: barLabel, info: "" });
        }
        say(`${prefix}[${e.index}/${e.total}] ${e.name} on ${e.backend} (run ${e.runId})`);
      },
      batch(p) {
        const s = stateOf(label);
        if (!s.bar) return;
        s.bar.setTotal(p.epochs * p.batches);
        s.bar.update((p.epoch - 1) * p.batches + p.batch, { info: `epoch ${p.epoch}/${p.epochs} loss ${fmt(p.loss)}` });
      },
      epoch(r) {
        const s = stateOf(label);
        say(
          `${prefix}  ${s.runName} epoch ${r.epoch}/${s.epochs}: train ${fmt(r.trainLoss)}  val loss ${fmt(r.valLoss)}  val mse ${fmt(r.valMse)}  (${Math.round(r.samplesPerSecond)} samples/s)`,
        );
      },
      runEnd(e) {
        if (e.status === "failed" && e.interrupted) say(`${prefix}  ${e.name} interrupted: ${e.error ?? ""}`);
        else if (e.status === "failed") say(`${prefix}  ${e.name} FAILED: ${e.error ?? "unknown error"}`);
        if (e.status === "pruned") say(`${prefix}  ${e.name} pruned: ${e.error ?? ""}`);
      },
      info(message) {
        say(`${prefix}${message}`);
      },
    };
  };

  return {
    ...reporterFor(""),
    forWorker: reporterFor,
    sweepStart(e) {
      sweepBar = multi?.create(e.total, 0, { label: "sweep".padEnd(18), info: e.name });
      if (!multi) say(`sweep ${e.name} (${e.sweepId}): ${e.total} trials`);
    },
    sweepProgress(e) {
      const text = describeProgress(e, !localRuns);
      if (sweepBar) {
        sweepBar.setTotal(e.total);
        sweepBar.update(e.done, { info: text.replace(/^\d+\/\d+ done ?/, "") });
      }
      if (!multi && text !== lastProgress) say(`sweep: ${text}`);
      lastProgress = text;
    },
    stop() {
      if (stopped) return;
      stopped = true;
      // Redraw once more so lines logged since the last timer tick are flushed.
      multi?.update();
      multi?.stop();
    },
  };
}
