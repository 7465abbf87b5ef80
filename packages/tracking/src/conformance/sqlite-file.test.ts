/**
 * SQLite-specific behaviour: a brand-new file works on first use, and several
 * processes can open and write the same file at once (WAL + busy timeout).
 */
import { spawn } from "node:child_process";
import { rmSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { createTracker } from "../create-tracker.ts";
import { MIGRATIONS } from "../generated/migrations.ts";
import { sqliteFilePath } from "../internal/database-url.ts";
import { tempSqliteUrl } from "./test-stores.ts";

const tsxCli = createRequire(import.meta.url).resolve("tsx/cli");
const script = (name: string) => fileURLToPath(new URL(`./${name}`, import.meta.url));

interface Child<T = { runId: string }> {
  ready: Promise<void>;
  done: Promise<T>;
  stderr: () => string;
  go(): void;
}

/** Starts child-writer.ts; it opens the file only after `go()`. */
function startChild(url: string, name: string, batches: number): Child {
  return startScript("child-writer.ts", [url, name, String(batches)]);
}

/** Starts one of the child scripts; each prints `ready`, waits for `go()`, then prints its result as JSON. */
function startScript<T = { runId: string }>(name: string, args: string[]): Child<T> {
  const child = spawn(process.execPath, [tsxCli, script(name), ...args], { stdio: ["pipe", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  let markReady: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => (markReady = resolve));
  child.stdout.on("data", (chunk: Buffer) => {
    stdout += chunk.toString();
    if (stdout.startsWith("ready\n")) markReady();
  });
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const done = new Promise<T>((resolve, reject) => {
    child.on("error", reject);
    child.on("exit", (code) => {
      if (code === 0) resolve(JSON.parse(stdout.slice("ready\n".length)) as T);
      else reject(new Error(`child ${name} ${args.join(" ")} exited with ${code}: ${stderr}`));
    });
  });
  return {
    ready: Promise.race([ready, done.then(() => undefined)]),
    done,
    stderr: () => stderr,
    go: () => child.stdin.end("go\n"),
  };
}

const dirs: string[] = [];
function newFile(): { url: string; path: string } {
  const { url, dir } = tempSqliteUrl();
  dirs.push(dir);
  return { url, path: sqliteFilePath(url) };
}

afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe("SQLite tracking file", () => {
  it("auto-migrates a brand-new file on first use, in WAL mode", async () => {
    const { url, path } = newFile();
    const tracker = await createTracker({ url });
    const run = await tracker.startRun({
      experimentName: "fresh",
      name: "r",
      architecture: "dense",
      spec: {},
    });
    await tracker.close();

    const db = new Database(path, { readonly: true });
    try {
      expect(db.pragma("journal_mode", { simple: true })).toBe("wal");
      const rows = db.prepare(`SELECT migration_name, checksum, finished_at, rolled_back_at, applied_steps_count FROM "_prisma_migrations"`).all();
      expect(rows).toEqual(
        MIGRATIONS.sqlite.map((m) => ({
          migration_name: m.name,
          checksum: m.checksum,
          finished_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00$/),
          rolled_back_at: null,
          applied_steps_count: 1,
        })),
      );
      expect(db.prepare(`SELECT id FROM runs`).all()).toEqual([{ id: run.id }]);
    } finally {
      db.close();
    }
    // Reopening applies nothing and sees the data.
    const again = await createTracker({ url });
    expect((await again.getRun(run.id))?.name).toBe("r");
    await again.close();
  });

  it("enforces foreign keys on the tracker's connection", async () => {
    const { url, path } = newFile();
    const tracker = await createTracker({ url });
    const run = await tracker.startRun({
      experimentName: "fk",
      name: "r",
      architecture: "dense",
      spec: {},
    });
    await tracker.logMetrics(run.id, [{ key: "k", value: 1, step: 0 }]);
    await tracker.close();
    const db = new Database(path);
    db.pragma("foreign_keys = ON");
    db.prepare("DELETE FROM runs").run();
    expect(db.prepare("SELECT count(*) AS n FROM metrics").get()).toEqual({
      n: 0,
    });
    db.close();
  });

  it("lets several processes migrate and write the same new file at once", async () => {
    const { url, path } = newFile();
    const batches = 60;
    const children = [startChild(url, "child-a", batches), startChild(url, "child-b", batches)];
    await Promise.all(children.map((c) => c.ready));
    // Go: all three open the (not yet existing) file at the same moment.
    for (const child of children) child.go();
    const parentWrites = (async () => {
      const tracker = await createTracker({ url });
      try {
        const run = await tracker.startRun({
          experimentName: "multi-process",
          name: "parent",
          architecture: "dense",
          spec: {},
        });
        for (let step = 0; step < batches; step++) await tracker.logMetrics(run.id, [{ key: "loss", value: step, step }]);
        await tracker.endRun(run.id, { status: "finished" });
        return { runId: run.id };
      } finally {
        await tracker.close();
      }
    })();
    const results = await Promise.all([...children.map((c) => c.done), parentWrites]);

    const db = new Database(path, { readonly: true });
    expect(db.prepare(`SELECT count(*) AS n FROM "_prisma_migrations"`).get()).toEqual({ n: MIGRATIONS.sqlite.length });
    db.close();
    const reader = await createTracker({ url });
    const { runs: all } = await reader.listRuns({
      experimentName: "multi-process",
    });
    // The three writers really overlapped: each started before the others ended.
    for (const a of all) for (const b of all) expect(a.startedAt.getTime()).toBeLessThan(b.endedAt!.getTime());
    const { runs, total } = await reader.listRuns({
      experimentName: "multi-process",
      orderBy: "name",
    });
    expect(total).toBe(3);
    expect(runs.map((r) => r.name)).toEqual(["child-a", "child-b", "parent"]);
    for (const { runId } of results) expect(await reader.getMetrics(runId)).toHaveLength(batches);
    expect(runs.find((r) => r.name === "child-a")?.params).toEqual({
      last: batches - 1,
    });
    await reader.close();
  });

  it("a second connection sees the first one's writes while both are open", async () => {
    const { url } = newFile();
    const first = await createTracker({ url });
    const second = await createTracker({ url });
    const run = await first.startRun({
      experimentName: "two",
      name: "r",
      architecture: "dense",
      spec: {},
    });
    await first.logMetrics(run.id, [{ key: "k", value: 0.5, step: 0 }]);
    expect((await second.getRun(run.id))?.summary.k?.latest).toBe(0.5);
    await second.logMetrics(run.id, [{ key: "k", value: 0.25, step: 1 }]);
    expect((await first.getMetrics(run.id)).map((p) => p.value)).toEqual([0.5, 0.25]);
    await Promise.all([first.close(), second.close()]);
  });

  it("takes 4 processes × 10,000 metric points into one new file: all 40,000 rows land, no lock error", async () => {
    const { url, path } = newFile();
    const points = 10_000;
    const children = ["w1", "w2", "w3", "w4"].map((name) => startScript("child-metric-writer.ts", [url, name, String(points)]));
    await Promise.all(children.map((c) => c.ready));
    for (const child of children) child.go();
    const results = await Promise.all(children.map((c) => c.done));
    for (const child of children) expect(child.stderr()).not.toMatch(/locked|SQLITE_BUSY|P1008/i);

    const db = new Database(path, { readonly: true });
    try {
      expect(db.prepare(`SELECT count(*) AS n FROM metrics`).get()).toEqual({ n: 4 * points });
      const perRun = db
        .prepare(`SELECT run_id AS runId, count(*) AS n, min(step) AS lo, max(step) AS hi, count(DISTINCT step) AS steps FROM metrics GROUP BY run_id`)
        .all();
      expect(perRun).toHaveLength(4);
      for (const row of perRun) expect(row).toMatchObject({ n: points, lo: 0, hi: points - 1, steps: points });
      expect(db.prepare(`SELECT count(*) AS n FROM runs WHERE status = 'finished'`).get()).toEqual({ n: 4 });
    } finally {
      db.close();
    }
    const reader = await createTracker({ url });
    try {
      // The four writers really overlapped: each started before every other one ended.
      const { runs } = await reader.listRuns({ experimentName: "metric-writers" });
      for (const a of runs) for (const b of runs) expect(a.startedAt.getTime()).toBeLessThan(b.endedAt!.getTime());
      for (const { runId } of results) {
        const summary = (await reader.getRun(runId))!.summary.loss;
        expect(summary).toEqual({ latest: 1 / points, min: 1 / points, max: 1, step: points - 1, count: points });
        const series = await reader.getMetrics(runId, ["loss"]);
        expect(series[4321]).toMatchObject({ step: 4321, epoch: 4, value: 1 / 4322 });
      }
    } finally {
      await reader.close();
    }
  }, 300_000);

  it("claims each trial exactly once when 3 processes race for the same 30 trials", async () => {
    const { url } = newFile();
    const setup = await createTracker({ url });
    const sweep = await setup.createSweep({ experimentName: "claims", name: "race", config: {} });
    await setup.addTrials(
      sweep.id,
      Array.from({ length: 30 }, (_, i) => ({ index: i + 1, params: { i } })),
    );
    await setup.close();
    const children = [1, 2, 3].map(() => startScript<{ won: number[] }>("child-claimer.ts", [url, sweep.id, "30"]));
    await Promise.all(children.map((c) => c.ready));
    for (const child of children) child.go();
    const won = (await Promise.all(children.map((c) => c.done))).map((r) => r.won);
    expect(won.flat().sort((a, b) => a - b)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    const reader = await createTracker({ url });
    expect((await reader.listTrials(sweep.id)).every((t) => t.status === "running" && t.attempts === 1)).toBe(true);
    await reader.close();
  });
});
