/** Experiments and sweeps: the containers runs belong to. */
import { orderedId } from "./ordered-id.ts";
import type { ExperimentRecord, SweepRecord } from "../tracker.ts";
import { fromJsonText, toJsonText } from "./json-value.ts";
import type { Db } from "./prisma-client.ts";
import { notFound, prismaCode, tracked } from "./prisma-errors.ts";
import { requireStatus, requireText } from "./validate.ts";

const SWEEP_STATUSES = ["running", "finished", "failed"] as const satisfies readonly SweepRecord["status"][];

const experimentSelect = { id: true, name: true, createdAt: true } as const;
const sweepSelect = {
  id: true,
  experimentId: true,
  name: true,
  config: true,
  status: true,
  createdAt: true,
  endedAt: true,
  method: true,
  samplerState: true,
} as const;

interface SweepRow {
  id: string;
  experimentId: string;
  name: string;
  config: string;
  status: string;
  createdAt: Date;
  endedAt: Date | null;
  method: string;
  samplerState: string | null;
}

function toSweepRecord(row: SweepRow): SweepRecord {
  return {
    ...row,
    config: fromJsonText(row.config),
    status: row.status as SweepRecord["status"],
    samplerState: row.samplerState === null ? null : fromJsonText(row.samplerState),
  };
}

/** One sweep, or null. */
export async function getSweep(db: Db, id: string): Promise<SweepRecord | null> {
  requireText("sweepId", id);
  const row = await tracked({ operation: "read a sweep" }, () => db.sweep.findUnique({ where: { id }, select: sweepSelect }));
  return row === null ? null : toSweepRecord(row);
}

/** Finds the experiment by name or creates it; safe when two processes race. */
export async function getOrCreateExperiment(db: Db, name: string): Promise<ExperimentRecord> {
  requireText("experimentName", name);
  return tracked({ operation: "get or create an experiment" }, async () => {
    const existing = await db.experiment.findUnique({
      where: { name },
      select: experimentSelect,
    });
    if (existing) return existing;
    try {
      return await db.experiment.create({
        data: { id: orderedId(), name, createdAt: new Date() },
        select: experimentSelect,
      });
    } catch (error) {
      // Another writer created it between our read and our insert.
      if (prismaCode(error) !== "P2002") throw error;
      return db.experiment.findUniqueOrThrow({
        where: { name },
        select: experimentSelect,
      });
    }
  });
}

export async function createSweep(
  db: Db,
  input: { experimentName: string; name: string; config: unknown; method?: string; samplerState?: unknown },
): Promise<SweepRecord> {
  requireText("name", input.name);
  const config = toJsonText("config", input.config);
  const method = input.method === undefined ? "grid" : requireText("method", input.method, 100);
  const samplerState = input.samplerState === undefined ? null : toJsonText("samplerState", input.samplerState);
  const experiment = await getOrCreateExperiment(db, input.experimentName);
  return tracked({ operation: "create a sweep" }, async () => {
    const row = await db.sweep.create({
      data: {
        id: orderedId(),
        experimentId: experiment.id,
        name: input.name,
        config,
        status: "running",
        createdAt: new Date(),
        method,
        samplerState,
      },
      select: sweepSelect,
    });
    return toSweepRecord(row);
  });
}

export async function endSweep(db: Db, id: string, status: SweepRecord["status"]): Promise<void> {
  requireText("sweepId", id);
  requireStatus(status, SWEEP_STATUSES);
  const { count } = await tracked({ operation: "end a sweep" }, () =>
    db.sweep.updateMany({
      where: { id },
      data: { status, endedAt: status === "running" ? null : new Date() },
    }),
  );
  if (count === 0) throw notFound("sweep", `sweepId=${JSON.stringify(id)}`);
}

export async function listExperiments(db: Db): Promise<ExperimentRecord[]> {
  return tracked({ operation: "list experiments" }, () =>
    db.experiment.findMany({
      select: experimentSelect,
      orderBy: [{ createdAt: "asc" }, { name: "asc" }],
    }),
  );
}

/** Sweeps, newest first, optionally of one experiment. */
export async function listSweeps(db: Db, experimentName?: string): Promise<SweepRecord[]> {
  if (experimentName !== undefined) requireText("experimentName", experimentName);
  const rows = await tracked({ operation: "list sweeps" }, () =>
    db.sweep.findMany({
      where: experimentName === undefined ? {} : { experiment: { name: experimentName } },
      select: sweepSelect,
      orderBy: [{ createdAt: "desc" }, { id: "asc" }],
    }),
  );
  return rows.map(toSweepRecord);
}
