/**
 * Sweep trials: the parameters drawn for each trial and where it stands. The
 * sweep controller adds them (with the sampler's state, in one transaction);
 * workers claim them with one conditional UPDATE, so two workers can never
 * both start the same attempt.
 */
import { AelabError, ErrorCode } from "@aelab/core";
import { TRIAL_STATUSES, type ParamValue, type SweepMetricPoint, type TrialRecord, type TrialStatus, type RunStatus } from "../tracker.ts";
import { fromJsonText, toJsonText } from "./json-value.ts";
import { decodeNumber } from "./number-codec.ts";
import type { Db } from "./prisma-client.ts";
import { notFound, prismaCode, toAelabError, tracked } from "./prisma-errors.ts";
import { invalid, requireInt, requireParams, requireStatus, requireText } from "./validate.ts";

const trialSelect = {
  sweepId: true,
  index: true,
  params: true,
  status: true,
  attempts: true,
  runId: true,
  createdAt: true,
  updatedAt: true,
} as const;

type TrialRow = { sweepId: string; index: number; params: string; status: string; attempts: number; runId: string | null; createdAt: Date; updatedAt: Date };

function toTrialRecord(row: TrialRow): TrialRecord {
  return { ...row, params: fromJsonText(row.params) as Record<string, ParamValue>, status: row.status as TrialStatus };
}

const sweepRef = (sweepId: string) => `sweepId=${JSON.stringify(sweepId)}`;

async function requireSweep(db: Db, sweepId: string): Promise<void> {
  requireText("sweepId", sweepId);
  const row = await tracked({ operation: "read a sweep" }, () => db.sweep.findUnique({ where: { id: sweepId }, select: { id: true } }));
  if (row === null) throw notFound("sweep", sweepRef(sweepId));
}

export async function addTrials(
  db: Db,
  sweepId: string,
  trials: { index: number; params: Record<string, ParamValue> }[],
  samplerState?: unknown,
): Promise<TrialRecord[]> {
  requireText("sweepId", sweepId);
  if (!Array.isArray(trials)) throw invalid("`trials` to be an array", "trials", trials);
  const rows = trials.map((t, i) => ({
    index: requireInt(`trials[${i}].index`, t?.index, 1),
    params: toJsonText(`trials[${i}].params`, requireParams(t?.params)),
  }));
  const state = samplerState === undefined ? undefined : toJsonText("samplerState", samplerState);
  const now = new Date();
  try {
    await db.$transaction(async (tx) => {
      // Writes only (a missing sweep is a foreign-key error): on SQLite the first one takes the write lock.
      if (state !== undefined) {
        const { count } = await tx.sweep.updateMany({ where: { id: sweepId }, data: { samplerState: state } });
        if (count === 0) throw notFound("sweep", sweepRef(sweepId));
      }
      for (const row of rows) {
        await tx.trial.create({ data: { sweepId, ...row, status: "pending", attempts: 0, createdAt: now, updatedAt: now } });
      }
    });
  } catch (error) {
    if (prismaCode(error) === "P2002") {
      throw new AelabError(
        ErrorCode.Tracking,
        `Expected new trial indices for sweep ${sweepId}; a trial with one of them exists. Received: indices=${rows.map((r) => r.index).join(",")}`,
        { cause: error, details: { conflict: "trial-exists" } },
      );
    }
    throw toAelabError(error, { operation: "add trials", subject: sweepRef(sweepId) });
  }
  return rows.map((row) => toTrialRecord({ sweepId, ...row, status: "pending", attempts: 0, runId: null, createdAt: now, updatedAt: now }));
}

export async function listTrials(db: Db, sweepId: string): Promise<TrialRecord[]> {
  await requireSweep(db, sweepId);
  const rows = await tracked({ operation: "list trials" }, () => db.trial.findMany({ where: { sweepId }, select: trialSelect, orderBy: { index: "asc" } }));
  return rows.map(toTrialRecord);
}

export async function claimTrial(db: Db, sweepId: string, index: number, options: { maxAttempts: number }): Promise<TrialRecord | null> {
  requireText("sweepId", sweepId);
  requireInt("index", index, 1);
  const maxAttempts = requireInt("maxAttempts", options?.maxAttempts, 1);
  const { count } = await tracked({ operation: "claim a trial" }, () =>
    db.trial.updateMany({
      where: {
        sweepId,
        index,
        OR: [{ status: { in: ["pending", "interrupted"] } }, { status: "crashed", attempts: { lt: maxAttempts } }],
      },
      data: { status: "running", attempts: { increment: 1 }, updatedAt: new Date() },
    }),
  );
  if (count === 0) {
    const exists = await tracked({ operation: "read a trial" }, () =>
      db.trial.findUnique({ where: { sweepId_index: { sweepId, index } }, select: { index: true } }),
    );
    if (exists === null) throw notFound("trial", `${sweepRef(sweepId)}, index=${index}`);
    return null;
  }
  const row = await tracked({ operation: "read a trial" }, () =>
    db.trial.findUniqueOrThrow({ where: { sweepId_index: { sweepId, index } }, select: trialSelect }),
  );
  return toTrialRecord(row);
}

export async function updateTrial(db: Db, sweepId: string, index: number, update: { status: TrialStatus; runId?: string }): Promise<void> {
  requireText("sweepId", sweepId);
  requireInt("index", index, 1);
  const status = requireStatus(update?.status, TRIAL_STATUSES);
  if (update.runId !== undefined) requireText("runId", update.runId);
  const { count } = await tracked({ operation: "update a trial" }, () =>
    db.trial.updateMany({
      where: { sweepId, index },
      data: { status, updatedAt: new Date(), ...(update.runId === undefined ? {} : { runId: update.runId }) },
    }),
  );
  if (count === 0) throw notFound("trial", `${sweepRef(sweepId)}, index=${index}`);
}

export async function getSweepMetric(db: Db, sweepId: string, key: string): Promise<SweepMetricPoint[]> {
  await requireSweep(db, sweepId);
  requireText("key", key);
  const rows = await tracked({ operation: "read a sweep's metric" }, () =>
    db.metric.findMany({
      where: { key, run: { sweepId } },
      select: { runId: true, step: true, value: true, kind: true, run: { select: { trialIndex: true, status: true } } },
      orderBy: [{ runId: "asc" }, { step: "asc" }],
    }),
  );
  return rows.map((r) => ({
    runId: r.runId,
    trialIndex: r.run.trialIndex,
    status: r.run.status as RunStatus,
    step: r.step,
    value: decodeNumber(r.value, r.kind),
  }));
}

/** Trials whose running attempt's run is no longer running (it crashed) follow it. */
export async function crashTrialsOfCrashedRuns(db: Db): Promise<void> {
  await tracked(
    { operation: "mark trials of crashed runs crashed" },
    () =>
      db.$executeRaw`UPDATE "trials" SET "status" = 'crashed', "updated_at" = ${new Date()}
      WHERE "status" = 'running' AND "run_id" IN (SELECT "id" FROM "runs" WHERE "status" = 'crashed')`,
  );
}
