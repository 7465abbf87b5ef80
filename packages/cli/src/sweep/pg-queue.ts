/**
 * Sweep trials as pg-boss 10 jobs on the tracking database's own PostgreSQL:
 * `aelab sweep --db postgres://…` sends one job per claimable trial to the
 * `aelab-trials` queue, and `aelab worker --db …` processes work them. A job
 * only names a trial; the tracker's claim makes a redelivered job harmless,
 * and its one-finished-run rule keeps a retried trial from finishing twice.
 * pg-boss keeps its tables in its own schema: `<tracking schema>_pgboss` when
 * the URL has `?schema=`, else `pgboss`.
 */
import PgBoss from "pg-boss";
import type { TrialExecutor } from "@aelab/training";

export const TRIAL_QUEUE = "aelab-trials";

export interface TrialJob {
  sweepId: string;
  index: number;
}

/** The pg-boss connection for a tracking URL: the same database, a schema of its own. */
export function bossOptions(dbUrl: string): PgBoss.ConstructorOptions {
  const url = new URL(dbUrl);
  const trackingSchema = url.searchParams.get("schema");
  url.searchParams.delete("schema");
  return {
    connectionString: url.toString(),
    schema: trackingSchema ? `${trackingSchema}_pgboss` : "pgboss",
    // Workers and sweeps only send and work jobs: no cron, and a short maintenance interval so expired jobs are retried soon.
    schedule: false,
    maintenanceIntervalSeconds: 30,
    max: 4,
  };
}

/** Starts pg-boss (installing its schema on first use) with the trial queue created. */
export async function startBoss(dbUrl: string, onError: (error: Error) => void): Promise<PgBoss> {
  const boss = new PgBoss(bossOptions(dbUrl));
  boss.on("error", onError);
  await boss.start();
  await boss.createQueue(TRIAL_QUEUE);
  return boss;
}

export interface PgBossExecutorOptions {
  boss: PgBoss;
  sweepId: string;
  /** Trials in flight for TPE (the sweep's parallelism). */
  slots: number;
  /** A job active this long is failed by pg-boss and retried (a worker that vanished without its run being reaped). */
  expireInSeconds: number;
}

export function pgBossExecutor(options: PgBossExecutorOptions): TrialExecutor {
  return {
    slots: options.slots,
    async submit(indices) {
      for (const index of indices) {
        const data: TrialJob = { sweepId: options.sweepId, index };
        await options.boss.send(TRIAL_QUEUE, data, { retryLimit: 3, retryDelay: 5, expireInSeconds: options.expireInSeconds });
      }
    },
    // Workers elsewhere do the work; the coordinator looks at the tracker again in a second.
    step: () => new Promise((resolve) => setTimeout(resolve, 1000)),
    async close() {
      // The sweep command owns (and stops) the pg-boss instance.
    },
  };
}
