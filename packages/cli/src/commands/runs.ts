import { RUN_STATUSES, createTracker, type RunStatus } from "@aelab/tracking";
import { AelabError, ErrorCode } from "@aelab/core";
import { requireExistingDb, type CliContext } from "../context.ts";
import { EXIT } from "../exit-codes.ts";
import { fmt, table } from "../format.ts";
import { runTiming } from "../run-timing.ts";

export interface RunsFlags {
  experiment?: string;
  sweep?: string;
  status?: string;
  limit: number;
  json?: boolean;
}

export async function runsCommand(flags: RunsFlags, ctx: CliContext): Promise<number> {
  const status = flags.status?.split(",").map((s) => s.trim());
  const bad = status?.find((s) => !(RUN_STATUSES as readonly string[]).includes(s));
  if (bad) throw new AelabError(ErrorCode.InvalidInput, `--status must be one of ${RUN_STATUSES.join(", ")}. Received: ${JSON.stringify(bad)}`);
  if (!Number.isInteger(flags.limit) || flags.limit < 1)
    throw new AelabError(ErrorCode.InvalidInput, `--limit must be a positive integer. Received: ${String(flags.limit)}`);
  requireExistingDb(ctx.db);
  const tracker = await createTracker({ url: ctx.db });
  await tracker.reapStaleRuns(runTiming().staleRunMs);
  try {
    const { runs, total } = await tracker.listRuns({
      experimentName: flags.experiment,
      sweepId: flags.sweep,
      status: status as RunStatus[] | undefined,
      limit: flags.limit,
      orderBy: "startedAt",
      direction: "desc",
    });
    if (flags.json) {
      ctx.out(JSON.stringify({ total, runs }, null, 2));
      return EXIT.ok;
    }
    ctx.out(
      table(
        ["run", "name", "experiment", "arch", "hidden", "status", "backend", "best val MSE", "PCA", "started"],
        runs.map((r) => [
          r.id,
          r.name,
          r.experimentName,
          r.architecture,
          r.hiddenSize ?? "–",
          r.status,
          r.backend ?? "–",
          fmt(r.summary.best_val_mse?.latest ?? r.summary.val_mse?.min),
          fmt(r.summary.pca_val_mse?.latest),
          r.startedAt.toISOString().replace("T", " ").slice(0, 19),
        ]),
      ),
    );
    ctx.out(`${runs.length} of ${total} runs`);
    return EXIT.ok;
  } finally {
    await tracker.close();
  }
}
