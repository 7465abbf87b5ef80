/**
 * Distributed sweeps on the real PostgreSQL server: `aelab sweep --db
 * postgresql://…` sends 6 trials to pg-boss, two `aelab worker` processes pull
 * them, and one is killed with SIGKILL in the middle of a trial. Its run goes
 * stale and is marked crashed, the trial is sent again and finished by the
 * other worker: 6 finished runs, one per trial, counted in the database's own
 * tables. Each run of the test uses a fresh schema (and pg-boss schema).
 * PostgreSQL unreachable: the test fails with CI=true, and is skipped otherwise.
 */
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import PgBoss from "pg-boss";
import { afterAll, describe, expect, it } from "vitest";
import { bossOptions } from "../sweep/pg-queue.ts";
import { runCli } from "./run-cli.ts";
import { startCli, type LiveCli } from "./run-cli-live.ts";

const PG_URL = process.env.AELAB_TEST_PG_URL ?? "postgresql://postgres@127.0.0.1:5432/test";
const schema = `aelab_it_${randomUUID().replaceAll("-", "").slice(0, 12)}`;
const url = `${PG_URL}${PG_URL.includes("?") ? "&" : "?"}schema=${schema}`;
const dir = mkdtempSync(join(tmpdir(), "aelab-pg-workers-"));
// Heartbeats every 250 ms; a worker silent for 5 s is taken for dead.
const env = { AELAB_HEARTBEAT_MS: "250", AELAB_STALE_RUN_MS: "5000" };

/** SQL on the test database through pg-boss's own connection (the CLI's PostgreSQL client). */
async function withSql<T>(fn: (sql: (text: string) => Promise<Record<string, unknown>[]>) => Promise<T>): Promise<T> {
  const boss = new PgBoss({ ...bossOptions(`${PG_URL}${PG_URL.includes("?") ? "&" : "?"}schema=${schema}_probe`), supervise: false, max: 1 });
  await boss.start();
  try {
    return await fn(async (text) => (await boss.getDb().executeSql(text, [])).rows as Record<string, unknown>[]);
  } finally {
    await boss.stop({ graceful: false, wait: true });
  }
}

async function probe(): Promise<string | undefined> {
  try {
    await withSql((sql) => sql("SELECT 1"));
    return undefined;
  } catch (error) {
    return `PostgreSQL unreachable at ${PG_URL}: ${(error as Error).message}`;
  }
}

const unavailable = await probe();
const workers: LiveCli[] = [];

afterAll(async () => {
  for (const w of workers) w.child.kill("SIGKILL");
  if (unavailable === undefined) {
    await withSql(async (sql) => {
      for (const s of [schema, `${schema}_pgboss`, `${schema}_probe_pgboss`]) await sql(`DROP SCHEMA IF EXISTS "${s}" CASCADE`);
    });
  }
  rmSync(dir, { recursive: true, force: true });
}, 60_000);

describe.skipIf(unavailable !== undefined && process.env.CI !== "true")(`aelab worker on PostgreSQL${unavailable ? ` (skipped: ${unavailable})` : ""}`, () => {
  it("two workers finish a 6-trial sweep; killing one mid-trial still gives 6 finished runs", async () => {
    expect(unavailable, "CI=true: PostgreSQL must be reachable").toBeUndefined();
    writeFileSync(
      join(dir, "pg.yaml"),
      [
        "name: pg-workers",
        "data: { source: mnist, limit: 600, validationFraction: 0.2, seed: 9 }",
        "training: { epochs: 1, batchSize: 16, backend: onnxruntime }",
        "method: random",
        "trials: 6",
        "parallelism: 2",
        "seed: 3",
        "parameters:",
        "  architecture: { values: [dense] }",
        "  hiddenSize: { values: [2, 4, 8, 16] }",
        "  learningRate: { type: float, min: 0.001, max: 0.01, distribution: log }",
      ].join("\n"),
    );
    const global = ["--db", url, "--artifacts", join(dir, "artifacts")];
    const migrated = await runCli([...global, "db", "migrate"], { cwd: dir, env });
    expect(migrated.code, migrated.stderr).toBe(0);

    const sweep = startCli([...global, "sweep", "pg.yaml", "--no-export"], { cwd: dir, env });
    const [, sweepId] = await sweep.waitFor(/^sweep pg-workers \(([0-9a-f-]+)\): 6 trials/);
    for (let k = 0; k < 2; k++) workers.push(startCli([...global, "worker"], { cwd: dir, env }));
    // Kill the first worker as soon as it has a run in progress.
    const [victim, survivor] = workers;
    const [, killedRun] = await victim.waitFor(/^\[\d\/6\] .* \(run ([0-9a-f-]+)\)/);
    victim.child.kill("SIGKILL");
    await victim.exited;

    const result = await sweep.exited;
    expect(result.stderr).not.toMatch(/FAILED/);
    expect(result.code, result.stderr).toBe(0);
    survivor.child.kill("SIGTERM");
    expect((await survivor.exited).code).toBe(0);

    await withSql(async (sql) => {
      const byStatus = await sql(`SELECT status, count(*)::int AS n FROM "${schema}"."runs" WHERE sweep_id = '${sweepId}' GROUP BY status ORDER BY status`);
      expect(byStatus).toEqual([
        { status: "crashed", n: 1 },
        { status: "finished", n: 6 },
      ]);
      const perTrial = await sql(
        `SELECT trial_index, count(*)::int AS n FROM "${schema}"."runs" WHERE sweep_id = '${sweepId}' AND status = 'finished' GROUP BY trial_index ORDER BY trial_index`,
      );
      expect(perTrial).toEqual([1, 2, 3, 4, 5, 6].map((i) => ({ trial_index: i, n: 1 })));
      const crashed = await sql(`SELECT id, trial_index FROM "${schema}"."runs" WHERE status = 'crashed'`);
      expect(crashed[0].id).toBe(killedRun);
      const trials = await sql(`SELECT status, attempts FROM "${schema}"."trials" WHERE sweep_id = '${sweepId}' ORDER BY index`);
      expect(trials.map((t) => t.status)).toEqual(Array(6).fill("finished"));
      expect(trials.filter((t) => t.attempts === 2)).toHaveLength(1);
    });
    expect(result.stdout).toMatch(/finished\s+pruned\s+failed\s+crashed\s+skipped\n[─ ]+\n\s+6\s+0\s+0\s+0\s+0/);
  }, 120_000);
});
