/** Run lifecycle: start, status changes, heartbeats, reaping, and reading one run. */
import { orderedId } from "./ordered-id.ts";
import { hostname } from "node:os";
import type { RunRecord, RunStatus, StartRunInput } from "../tracker.ts";
import { getOrCreateExperiment } from "./experiment-store.ts";
import { toJsonText } from "./json-value.ts";
import { encodeParam } from "./param-codec.ts";
import type { Db } from "./prisma-client.ts";
import { AelabError, ErrorCode } from "@aelab/core";
import { notFound, prismaCode, toAelabError, tracked } from "./prisma-errors.ts";
import { crashTrialsOfCrashedRuns } from "./trial-store.ts";
import { runSelect, toRunRecord } from "./run-record.ts";
import { invalid, optionalInt, requireDuration, requireParams, requireSeed, requireStatus, requireTags, requireText } from "./validate.ts";

const FINAL_STATUSES = ["finished", "failed", "pruned", "crashed"] as const;
type FinalStatus = (typeof FINAL_STATUSES)[number];

const runRef = (runId: string): string => `runId=${JSON.stringify(runId)}`;

export async function startRun(db: Db, input: StartRunInput): Promise<RunRecord> {
  requireText("name", input.name);
  requireText("architecture", input.architecture);
  const hiddenSize = optionalInt("hiddenSize", input.hiddenSize, 1);
  const seed = requireSeed(input.seed);
  const trialIndex = optionalInt("trialIndex", input.trialIndex, 1);
  if (trialIndex !== undefined && input.sweepId === undefined) throw invalid("`sweepId` beside `trialIndex`", "sweepId", input.sweepId);
  const status = requireStatus(input.status ?? "running", ["queued", "running"] as const);
  const spec = toJsonText("spec", input.spec);
  const split = input.split === undefined || input.split === null ? undefined : toJsonText("split", input.split);
  const params = Object.entries(requireParams(input.params ?? {})).map(([key, value]) => ({ key, ...encodeParam(value) }));
  const tags = Object.entries(requireTags(input.tags ?? {})).map(([key, value]) => ({ key, value }));
  for (const [name, value] of [
    ["backend", input.backend],
    ["host", input.host],
    ["sweepId", input.sweepId],
  ] as const) {
    if (value !== undefined) requireText(name, value);
  }
  if (input.sweepId !== undefined) {
    await requireSweepOf(db, input.sweepId, input.experimentName);
  }
  const experiment = await getOrCreateExperiment(db, input.experimentName);
  const now = new Date();
  const row = await tracked(
    {
      operation: "start a run",
      subject: `sweepId=${JSON.stringify(input.sweepId)}`,
    },
    () =>
      db.run.create({
        data: {
          id: orderedId(),
          name: input.name,
          experimentId: experiment.id,
          sweepId: input.sweepId ?? null,
          status,
          backend: input.backend ?? null,
          architecture: input.architecture,
          hiddenSize: hiddenSize ?? null,
          spec,
          seed: seed === undefined ? null : BigInt(seed),
          ...(split === undefined ? {} : { split }),
          host: input.host ?? hostname(),
          startedAt: now,
          heartbeatAt: status === "running" ? now : null,
          trialIndex: trialIndex ?? null,
          params: { create: params },
          tags: { create: tags },
        },
        // Read back separately: a relation-heavy select inside the implicit transaction
        // makes Prisma run queries concurrently on one pg connection (a pg@8 deprecation).
        select: { id: true },
      }),
  );
  const record = await getRun(db, row.id);
  if (record === null) throw notFound("run", runRef(row.id));
  return record;
}

/** A run's sweep must exist and belong to the run's experiment (checked before anything is created). */
async function requireSweepOf(db: Db, sweepId: string, experimentName: string): Promise<void> {
  const sweep = await tracked({ operation: "read a sweep" }, () =>
    db.sweep.findUnique({
      where: { id: sweepId },
      select: { experiment: { select: { name: true } } },
    }),
  );
  if (sweep === null) throw notFound("sweep", `sweepId=${JSON.stringify(sweepId)}`);
  if (sweep.experiment.name !== experimentName) {
    throw invalid(`sweep ${sweepId} to belong to experiment ${JSON.stringify(sweep.experiment.name)}`, "experimentName", experimentName);
  }
}

/** Updates one run; NOT_FOUND when no run has this id. */
async function updateRun(db: Db, runId: string, operation: string, data: Parameters<Db["run"]["updateMany"]>[0]["data"]) {
  requireText("runId", runId);
  const { count } = await tracked({ operation }, () => db.run.updateMany({ where: { id: runId }, data }));
  if (count === 0) throw notFound("run", runRef(runId));
}

export async function markRunning(db: Db, runId: string): Promise<void> {
  const now = new Date();
  await updateRun(db, runId, "mark a run running", {
    status: "running",
    startedAt: now,
    heartbeatAt: now,
  });
}

export async function setBackend(db: Db, runId: string, backend: string): Promise<void> {
  requireText("backend", backend);
  await updateRun(db, runId, "set a run's backend", { backend });
}

export async function heartbeat(db: Db, runId: string): Promise<void> {
  await updateRun(db, runId, "record a heartbeat", { heartbeatAt: new Date() });
}

export async function endRun(db: Db, runId: string, result: { status: FinalStatus; error?: string }): Promise<void> {
  const status = requireStatus(result?.status, FINAL_STATUSES);
  if (result.error !== undefined && typeof result.error !== "string") requireText("error", result.error);
  requireText("runId", runId);
  const run = await tracked({ operation: "read a run" }, () => db.run.findUnique({ where: { id: runId }, select: { sweepId: true, trialIndex: true } }));
  if (run === null) throw notFound("run", runRef(runId));
  // finished_trial is unique per sweep: a second finished run of one trial fails here and changes nothing.
  const finishedTrial = status === "finished" && run.sweepId !== null ? run.trialIndex : null;
  try {
    await db.run.updateMany({
      where: { id: runId },
      data: { status, endedAt: new Date(), error: result.error ?? null, finishedTrial },
    });
  } catch (error) {
    if (prismaCode(error) !== "P2002" || finishedTrial === null) throw toAelabError(error, { operation: "end a run", subject: runRef(runId) });
    const other = await db.run.findFirst({ where: { sweepId: run.sweepId, finishedTrial }, select: { id: true } });
    throw new AelabError(
      ErrorCode.Tracking,
      `Expected trial ${finishedTrial} of sweep ${run.sweepId} to have no finished run yet; run ${other?.id ?? "?"} finished it. Received: runId=${JSON.stringify(runId)}, status="finished"`,
      { cause: error, details: { conflict: "trial-finished", finishedRunId: other?.id ?? null } },
    );
  }
}

export async function getRun(db: Db, id: string): Promise<RunRecord | null> {
  requireText("runId", id);
  const row = await tracked({ operation: "read a run" }, () => db.run.findUnique({ where: { id }, select: runSelect }));
  return row === null ? null : toRunRecord(row);
}

export async function requireRunExists(db: Db, runId: string): Promise<void> {
  const row = await tracked({ operation: "read a run" }, () => db.run.findUnique({ where: { id: runId }, select: { id: true } }));
  if (row === null) throw notFound("run", runRef(runId));
}

/**
 * `running` runs silent for longer than `staleAfterMs` become `crashed`. Silent
 * means: last heartbeat older than the cutoff, or no heartbeat and a start older
 * than it. A single UPDATE, so it is atomic against concurrent heartbeats and
 * endRun calls.
 */
export async function reapStaleRuns(db: Db, staleAfterMs: number): Promise<number> {
  requireDuration("staleAfterMs", staleAfterMs);
  const now = new Date();
  const cutoff = new Date(now.getTime() - staleAfterMs);
  const { count } = await tracked({ operation: "reap stale runs" }, () =>
    db.run.updateMany({
      where: {
        status: "running" satisfies RunStatus,
        OR: [{ heartbeatAt: { lt: cutoff } }, { heartbeatAt: null, startedAt: { lt: cutoff } }],
      },
      data: {
        status: "crashed" satisfies RunStatus,
        endedAt: now,
        error: `Run stopped sending heartbeats: none for more than ${staleAfterMs} ms, so it was marked crashed at ${now.toISOString()}.`,
      },
    }),
  );
  // Also catches trials whose run was marked crashed by someone else (a sweep that saw its worker die).
  await crashTrialsOfCrashedRuns(db);
  return count;
}
