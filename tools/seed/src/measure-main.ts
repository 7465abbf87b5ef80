/**
 * `npm run measure -w @aelab/seed -- --db file:/tmp/scale.db`: starts the built
 * dashboard on a seeded database and loads its pages in headless Chromium,
 * each in a fresh context (empty cache), printing time-to-interactive and
 * response sizes as a Markdown table. A measurement, not a test: nothing is
 * asserted; docs/benchmarks.md records the figures.
 */
import { parseArgs } from "node:util";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { createTracker } from "@aelab/tracking";
import { chromium } from "playwright-core";
import { measurePage, type PageMeasure } from "./measure-page";
import { startApp } from "./next-app";

const { values } = parseArgs({
  args: process.argv.slice(2),
  options: {
    db: { type: "string" },
    experiment: { type: "string", default: "scale" },
    reps: { type: "string", default: "5" },
    app: { type: "string", default: fileURLToPath(new URL("../../../apps/dashboard", import.meta.url)) },
  },
});
if (!values.db) throw new Error("Expected --db file:/path/to/seeded.db");
const db = values.db.startsWith("file:") ? `file:${path.resolve(values.db.slice(5))}` : values.db;
const reps = Number(values.reps);
const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];

const tracker = await createTracker({ url: db });
const experiment = values.experiment;
const { runs: best, total } = await tracker.listRuns({
  experimentName: experiment,
  status: ["finished"],
  orderBy: "metric:best_val_mse",
  direction: "asc",
  limit: 20,
});
const [longRun] = (await tracker.listRuns({ experimentName: experiment, status: ["finished"], limit: 1 })).runs;
const [sweep] = await tracker.listSweeps(experiment);
await tracker.close();
const runs = encodeURIComponent(best.map((r) => r.id).join(","));
const e = encodeURIComponent(experiment);
const pages: Array<{ name: string; path: string; extra?: string }> = [
  { name: "runs (page 1, 25 rows)", path: `/?experiment=${e}` },
  { name: "runs sorted by val_mse, page 20", path: `/?experiment=${e}&sort=val_mse&page=20` },
  { name: "runs, 200 a page (virtualised rows)", path: `/?experiment=${e}&pageSize=200` },
  { name: `compare, ${best.length} runs overlaid`, path: `/compare?experiment=${e}&runs=${runs}` },
  ...(sweep ? [{ name: "compare, one sweep's trials (parallel coordinates, importance)", path: `/compare?experiment=${e}&sweep=${sweep.id}` }] : []),
  { name: "run page (train/val loss, val_mse, PCA)", path: `/runs/${longRun.id}` },
  { name: "run page zoomed to steps 2000–2600", path: `/runs/${longRun.id}?from=2000&to=2600`, extra: '[data-testid="run-curves"][data-fine-ready="true"]' },
];

const app = await startApp(values.app, db);
const browser = await chromium.launch({
  executablePath: "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
});
const rows: string[] = [];
try {
  process.stdout.write(`Database ${db}: ${total} finished runs in ${experiment}. App ${app.url}. ${reps} loads per page after one warm-up load.\n\n`);
  for (const page of pages) {
    await measurePage(browser, app.url + page.path, page.extra); // warm-up: server-side caches, JIT
    const loads: PageMeasure[] = [];
    for (let i = 0; i < reps; i++) loads.push(await measurePage(browser, app.url + page.path, page.extra));
    const last = loads[loads.length - 1];
    const trpcMax = Math.max(0, ...loads.flatMap((l) => l.trpc.map((t) => t.bytes)));
    const trpcList = last.trpc.map((t) => `${t.path.split(",").join("+")} ${kb(t.bytes)}`).join("; ") || "none";
    rows.push(
      `| ${page.name} | ${median(loads.map((l) => l.tti))} | ${Math.max(...loads.map((l) => l.tti))} | ${last.charts} | ${kb(last.documentBytes)} | ${trpcList} | ${kb(trpcMax)} | ${kb(last.staticBytes)} |`,
    );
    process.stdout.write(`${rows.at(-1)}\n`);
  }
} finally {
  await browser.close();
  await app.stop();
}
process.stdout.write(
  `\n| page | TTI median (ms) | TTI max (ms) | charts | HTML document (with RSC payload) | tRPC responses | largest tRPC | JS+CSS |\n| --- | --- | --- | --- | --- | --- | --- | --- |\n${rows.join("\n")}\n`,
);
