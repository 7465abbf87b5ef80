/**
 * A second process for the SQLite multi-process tests. Once booted it prints
 * `ready` and waits for a line on stdin, so that the test can make several
 * processes open a brand-new file at the same moment. Then it opens the
 * tracking file (auto-migrating it if new), writes one run with `batches`
 * metric batches, and prints `{ runId }` as JSON.
 *
 * Usage: tsx child-writer.ts <url> <runName> <batches>
 */
import { once } from "node:events";
import { createTracker } from "../create-tracker.ts";

const [url = "", name = "child", batches = "0"] = process.argv.slice(2);
process.stdout.write("ready\n");
await once(process.stdin, "data");
process.stdin.pause();
const tracker = await createTracker({ url });
try {
  const run = await tracker.startRun({
    experimentName: "multi-process",
    name,
    architecture: "dense",
    spec: { name },
  });
  for (let step = 0; step < Number(batches); step++) {
    await tracker.logBatch(run.id, {
      metrics: [{ key: "loss", value: 1 / (step + 1), step }],
      params: { last: step },
    });
  }
  await tracker.endRun(run.id, { status: "finished" });
  process.stdout.write(`${JSON.stringify({ runId: run.id })}\n`);
} finally {
  await tracker.close();
}
