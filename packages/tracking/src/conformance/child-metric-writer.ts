/**
 * A writer process for the SQLite multi-process tests: once booted it prints
 * `ready` and waits for a line on stdin (so that every process starts at the
 * same moment), then logs `points` metric points one at a time, as a trainer
 * logging every step would, through one MetricWriter, and prints
 * `{ runId, lockErrors }` as JSON.
 *
 * Usage: tsx child-metric-writer.ts <url> <runName> <points>
 */
import { once } from "node:events";
import { createTracker } from "../create-tracker.ts";
import { MetricWriter } from "../metric-writer.ts";

const [url = "", name = "child", points = "0"] = process.argv.slice(2);
process.stdout.write("ready\n");
await once(process.stdin, "data");
process.stdin.pause();
const tracker = await createTracker({ url });
try {
  const run = await tracker.startRun({ experimentName: "metric-writers", name, architecture: "dense", spec: { name } });
  const writer = new MetricWriter(tracker, { flushIntervalMs: 50 });
  for (let step = 0; step < Number(points); step++) {
    writer.log(run.id, [{ key: "loss", value: 1 / (step + 1), step, epoch: Math.floor(step / 1000) }]);
    // Yield now and then, as a training loop does between batches, so timed flushes run.
    if (step % 100 === 99) await new Promise((resolve) => setImmediate(resolve));
  }
  await writer.close();
  await tracker.endRun(run.id, { status: "finished" });
  process.stdout.write(`${JSON.stringify({ runId: run.id })}\n`);
} finally {
  await tracker.close();
}
