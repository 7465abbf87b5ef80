/**
 * Progress for sweeps and runs: two live bars on a terminal (sweep trials and
 * the current run's batches), one line per epoch otherwise (CI logs).
 */
import type { Reporter } from "@aelab/training";
import cliProgress from "cli-progress";
import { fmt } from "./format.ts";

export function createProgressReporter(stream: NodeJS.WriteStream = process.stderr): Reporter & { stop(): void } {
  const tty = stream.isTTY === true && process.env.CI !== "true";
  const multi = tty
    ? new cliProgress.MultiBar(
        { stream, clearOnComplete: false, hideCursor: true, barsize: 24, format: " {label} |{bar}| {value}/{total} {info}" },
        cliProgress.Presets.shades_classic,
      )
    : undefined;
  let sweepBar: cliProgress.SingleBar | undefined;
  let runBar: cliProgress.SingleBar | undefined;
  let epochs = 0;
  let runName = "";
  let stopped = false;
  const say = (line: string) => (multi ? multi.log(`${line}\n`) : stream.write(`${line}\n`));
  return {
    sweepStart(e) {
      sweepBar = multi?.create(e.total, 0, { label: "sweep".padEnd(14), info: e.name });
      if (!multi) say(`sweep ${e.name}: ${e.total} trials`);
    },
    runStart(e) {
      epochs = e.epochs;
      runName = e.name;
      const label = e.name.slice(0, 14).padEnd(14);
      if (runBar) {
        runBar.setTotal(1);
        runBar.update(0, { label, info: "" });
      } else {
        runBar = multi?.create(1, 0, { label, info: "" });
      }
      say(`[${e.index}/${e.total}] ${e.name} on ${e.backend} (run ${e.runId})`);
    },
    batch(p) {
      if (!runBar) return;
      runBar.setTotal(p.epochs * p.batches);
      runBar.update((p.epoch - 1) * p.batches + p.batch, { info: `epoch ${p.epoch}/${p.epochs} loss ${fmt(p.loss)}` });
    },
    epoch(r) {
      say(
        `  ${runName} epoch ${r.epoch}/${epochs}: train ${fmt(r.trainLoss)}  val loss ${fmt(r.valLoss)}  val mse ${fmt(r.valMse)}  (${Math.round(r.samplesPerSecond)} samples/s)`,
      );
    },
    runEnd(e) {
      sweepBar?.increment(1);
      if (e.status === "failed") say(`  ${e.name} FAILED: ${e.error ?? "unknown error"}`);
    },
    info(message) {
      say(message);
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
