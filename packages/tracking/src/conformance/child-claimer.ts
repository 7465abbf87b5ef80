/**
 * A claiming process for the SQLite multi-process tests: prints `ready`, waits
 * for a line on stdin, then tries to claim trials 1…count of a sweep and prints
 * the indices it won as JSON.
 *
 * Usage: tsx child-claimer.ts <url> <sweepId> <count>
 */
import { once } from "node:events";
import { createTracker } from "../create-tracker.ts";

const [url = "", sweepId = "", count = "0"] = process.argv.slice(2);
process.stdout.write("ready\n");
await once(process.stdin, "data");
process.stdin.pause();
const tracker = await createTracker({ url });
try {
  const won: number[] = [];
  for (let index = 1; index <= Number(count); index++) {
    if ((await tracker.claimTrial(sweepId, index, { maxAttempts: 1 })) !== null) won.push(index);
  }
  process.stdout.write(`${JSON.stringify({ won })}\n`);
} finally {
  await tracker.close();
}
