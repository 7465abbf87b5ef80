/**
 * `npm run bench -- --suite tracking`: metric points written per second
 * (batched through MetricWriter, and one logMetrics call per step) and the
 * compare page's tracking calls on N runs × M points, on a fresh SQLite file
 * and a fresh PostgreSQL schema; printed as Markdown with the machine's load.
 * Not a test: the machine is shared, so every phase reports the other
 * processes' load beside its figures.
 *
 *   npm run bench -- --suite tracking [--db sqlite,postgres] [--runs 1000] [--steps 200] [--reps 7] [--json out.json]
 */
import { writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import { parseArgs } from "node:util";
import { AelabError, ErrorCode, describeValue, isAelabError } from "@aelab/core";
import { sampleForeignLoad } from "./cpu-load.ts";
import { machineFacts } from "./machine.ts";
import {
  STEP_KEYS,
  OVERLAY_RUNS,
  loadCompareData,
  measureCompareQueries,
  measurePerStepThroughput,
  measureWriterThroughput,
  type LoadResult,
  type PhaseCost,
  type QueryResult,
  type WriteResult,
} from "./tracking-bench.ts";
import { TRACKING_STORES, openBenchStore, type TrackingStore } from "./tracking-stores.ts";

export const TRACKING_USAGE = `Usage: npm run bench -- --suite tracking [flags]

  --db LIST          comma-separated, from ${TRACKING_STORES.join(", ")} (default sqlite,postgres)
  --pg-url URL       PostgreSQL server; a schema bench_<pid>_<n> is created, migrated and dropped
                     (default AELAB_TEST_PG_URL, else postgresql://postgres@127.0.0.1:5432/test)
  --runs N           runs in the compare experiment (default 1000)
  --steps N          steps per run, 5 keys a step (default 200: 1,000 points a run)
  --write-steps N    steps per MetricWriter rep (default 10000: 50,000 points)
  --reps N           reps of each write and query measurement (default 7; write reps are min(reps, 3))
  --json FILE        also write every rep as JSON
  --help             this text
`;

const FLAGS = {
  suite: { type: "string", default: "tracking" },
  db: { type: "string", default: "sqlite,postgres" },
  "pg-url": { type: "string", default: process.env.AELAB_TEST_PG_URL ?? "postgresql://postgres@127.0.0.1:5432/test" },
  runs: { type: "string", default: "1000" },
  steps: { type: "string", default: "200" },
  "write-steps": { type: "string", default: "10000" },
  reps: { type: "string", default: "7" },
  json: { type: "string" },
  help: { type: "boolean", default: false },
} as const;

interface TrackingOptions {
  stores: TrackingStore[];
  pgUrl: string;
  runs: number;
  steps: number;
  writeSteps: number;
  reps: number;
  json?: string;
  help: boolean;
}

function invalid(message: string, received: string): never {
  throw new AelabError(ErrorCode.InvalidConfig, `${message}. Received: ${received}`);
}

function int(flag: string, value: string, min: number, max: number): number {
  const n = Number(value);
  if (value.trim() === "" || !Number.isInteger(n) || n < min || n > max)
    invalid(`--${flag} must be an integer from ${min} to ${max}`, `--${flag} ${describeValue(value)}`);
  return n;
}

function parseTrackingOptions(argv: string[]): TrackingOptions {
  let v: ReturnType<typeof parseArgs<{ args: string[]; options: typeof FLAGS; strict: true }>>["values"];
  try {
    v = parseArgs({ args: argv, options: FLAGS, strict: true, allowPositionals: false }).values;
  } catch (error) {
    return invalid(`Bad flags (${(error as Error).message.split(".")[0]}); see --help`, argv.join(" "));
  }
  const stores = v.db.split(",").map((s) => s.trim());
  const unknown = stores.filter((s) => !(TRACKING_STORES as readonly string[]).includes(s));
  if (stores.length === 0 || unknown.length > 0) invalid(`--db entries must be among ${TRACKING_STORES.join(", ")}`, `--db ${describeValue(v.db)}`);
  if (v.json !== undefined && v.json.trim() === "") invalid("--json needs a file path", '--json ""');
  return {
    stores: [...new Set(stores)] as TrackingStore[],
    pgUrl: v["pg-url"],
    runs: int("runs", v.runs, OVERLAY_RUNS, 100_000),
    steps: int("steps", v.steps, 1, 100_000),
    writeSteps: int("write-steps", v["write-steps"], 1, 1_000_000),
    reps: int("reps", v.reps, 1, 50),
    ...(v.json === undefined ? {} : { json: v.json }),
    help: v.help,
  };
}

interface StoreReport {
  store: TrackingStore;
  writes: WriteResult[];
  load: LoadResult;
  queries: QueryResult[];
}

/** One transaction per step is slow (tens of ms each under load): a short rep is enough. */
const PER_STEP_STEPS = 200;
const started = performance.now();
const progress = (message: string) => process.stderr.write(`[${((performance.now() - started) / 1000).toFixed(0).padStart(4)} s] ${message}\n`);

async function benchStore(name: TrackingStore, options: TrackingOptions): Promise<StoreReport> {
  progress(`${name}: opening a fresh database`);
  const store = await openBenchStore(name, options.pgUrl);
  try {
    const writeReps = Math.min(options.reps, 3);
    progress(`${name}: MetricWriter, ${writeReps} × ${options.writeSteps} steps`);
    const batched = await measureWriterThroughput(store, { steps: options.writeSteps, reps: writeReps });
    progress(`${name}: logMetrics per step, ${writeReps} × ${PER_STEP_STEPS} steps`);
    const perStep = await measurePerStepThroughput(store, { steps: PER_STEP_STEPS, reps: writeReps });
    progress(`${name}: loading ${options.runs} runs × ${options.steps * STEP_KEYS.length} points`);
    const load = await loadCompareData(store, { runs: options.runs, steps: options.steps, progress });
    progress(`${name}: compare queries, ${options.reps} reps`);
    const queries = await measureCompareQueries(store, options.reps);
    return { store: name, writes: [batched, perStep], load, queries };
  } finally {
    await store.dispose();
  }
}

const n = (x: number, digits = 0) => x.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits });
const load = (c: PhaseCost) => `${c.foreignLoad === null ? "?" : n(c.foreignLoad, 2)} cores; load avg ${n(c.loadAvg1[0], 1)}→${n(c.loadAvg1[1], 1)}`;
const cpu = (c: PhaseCost) => `${n(c.ownCpuSeconds, 1)} s CPU / ${n(c.seconds, 1)} s`;

function formatTracking(reports: StoreReport[], header: string[]): string {
  const lines = [...header, "", "#### Metric writes (5 keys a step)", ""];
  lines.push("| database | how | points/rep | points/s (median) | reps (points/s) | bench process CPU / wall, per rep | other processes during the reps |");
  lines.push("|---|---|---:|---:|---|---|---|");
  for (const r of reports) {
    for (const w of [...r.writes]) {
      const reps = w.reps.map((x) => n(x.pointsPerSecond)).join(", ");
      const cpus = w.reps.map((x) => cpu(x.cost)).join("; ");
      const loads = w.reps.map((x) => load(x.cost)).join("; ");
      lines.push(`| ${r.store} | ${w.mode} | ${n(w.reps[0].points)} | **${n(w.medianPointsPerSecond)}** | ${reps} | ${cpus} | ${loads} |`);
    }
    const l = r.load;
    lines.push(
      `| ${r.store} | loading ${n(l.runs)} runs (startRun, MetricWriter, flush, endRun each) | ${n(l.points)} | **${n(l.pointsPerSecond)}** | 1 | ${cpu(l.cost)} | ${load(l.cost)} |`,
    );
  }
  lines.push("", "#### The compare page's tracking calls (ms)", "");
  lines.push("| database | call | returns | median | min–max | reps | bench process CPU per call | other processes during the reps |");
  lines.push("|---|---|---|---:|---|---:|---|---|");
  for (const r of reports) {
    for (const q of r.queries) {
      const range = `${n(Math.min(...q.ms), 1)}–${n(Math.max(...q.ms), 1)}`;
      lines.push(
        `| ${r.store} | ${q.query} | ${q.returned} | **${n(q.medianMs, 1)}** | ${range} | ${q.ms.length} | ${n((q.cost.ownCpuSeconds * 1000) / q.ms.length, 1)} ms | ${load(q.cost)} |`,
      );
    }
  }
  return `${lines.join("\n")}\n`;
}

async function run(options: TrackingOptions): Promise<void> {
  const foreignAtStart = await sampleForeignLoad(2);
  const reports: StoreReport[] = [];
  for (const name of options.stores) reports.push(await benchStore(name, options));
  const m = machineFacts();
  const command = ["npm run bench --", ...process.argv.slice(2)].join(" ");
  const header = [
    `### Output (${new Date().toISOString()}, ${n((performance.now() - started) / 1000)} s)`,
    "",
    `\`${command}\``,
    `Machine: ${m.cpu}, ${m.cpus} CPUs, ${m.memoryGiB} GiB, Node ${m.node}. Other processes' load at start: ${foreignAtStart === null ? "unknown" : `${n(foreignAtStart, 2)} core`}; load average ${loadavg()
      .map((x) => n(x, 2))
      .join(" / ")} at the end.`,
    `Compare data: ${n(options.runs)} finished runs × ${n(options.steps)} steps × ${STEP_KEYS.length} keys (${STEP_KEYS.join(", ")}) = ${n(options.steps * STEP_KEYS.length)} points a run.`,
  ];
  process.stdout.write(`\n${formatTracking(reports, header)}`);
  if (options.json) writeFileSync(options.json, `${JSON.stringify({ command, machine: m, foreignAtStart, options, reports }, null, 2)}\n`);
}

let options: TrackingOptions;
try {
  options = parseTrackingOptions(process.argv.slice(2));
} catch (error) {
  if (!isAelabError(error, ErrorCode.InvalidConfig)) throw error;
  process.stderr.write(`aelab-bench: ${error.message}\n\n${TRACKING_USAGE}`);
  process.exit(2);
}
if (options.help) process.stdout.write(TRACKING_USAGE);
else await run(options);
