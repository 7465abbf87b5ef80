/**
 * Models: what a run's saved model offers the user — its exported ONNX files
 * (with the export's parity figure), its evaluation on validation digits, and
 * what the browser playground needs to load it.
 */
import type { ArtifactRecord, RunRecord } from "@aelab/tracking";
import { latestByKind } from "~/server/artifacts";
import { createTRPCRouter, publicProcedure } from "~/server/api/trpc";
import { readRunEvaluation } from "~/server/evaluation";
import { runIdInput } from "./inputs";
import { requireRun } from "./runs";

export const ONNX_PARTS = ["encoder", "decoder", "full"] as const;
export type OnnxPart = (typeof ONNX_PARTS)[number];
/** Runs whose summary has this metric have exported an encoder: exportRun logs `onnx_parity_<part>`. */
const EXPORTED_METRIC = "onnx_parity_encoder";
const EXPORTED_RUNS_LIMIT = 200;

export interface ArtifactLink {
  artifactId: string;
  kind: string;
  bytes: number;
  sha256: string;
  createdAt: Date;
  /** `/api/runs/<run>/artifacts/<artifact>`: served only because the tracker recorded it. */
  href: string;
}

export interface OnnxExport extends ArtifactLink {
  part: OnnxPart;
  /** Max |ONNX Runtime − training backend| measured by the export, when logged. */
  parity: number | null;
}

export function artifactHref(runId: string, artifactId: string): string {
  return `/api/runs/${encodeURIComponent(runId)}/artifacts/${encodeURIComponent(artifactId)}`;
}

function link(artifact: ArtifactRecord): ArtifactLink {
  const { id, kind, bytes, sha256, createdAt, runId } = artifact;
  return { artifactId: id, kind, bytes, sha256, createdAt, href: artifactHref(runId, id) };
}

/** The command that exports a run's encoder and decoder, shown where a page needs them. */
export function exportCommand(runId: string): string {
  return `aelab export ${runId} --part encoder,decoder`;
}

export function onnxExports(run: Pick<RunRecord, "summary">, artifacts: readonly ArtifactRecord[]): OnnxExport[] {
  const latest = latestByKind(artifacts);
  return ONNX_PARTS.flatMap((part) => {
    const artifact = latest.get(`onnx-${part}`);
    return artifact ? [{ ...link(artifact), part, parity: run.summary[`onnx_parity_${part}`]?.latest ?? null }] : [];
  });
}

export const modelsRouter = createTRPCRouter({
  /** The run's ONNX files (newest per part) and weights, as download links. */
  exports: publicProcedure.input(runIdInput).query(async ({ ctx, input }) => {
    const run = await requireRun(ctx.tracker, input.id);
    const artifacts = await ctx.tracker.listArtifacts(run.id);
    const weights = latestByKind(artifacts).get("weights");
    return { onnx: onnxExports(run, artifacts), weights: weights ? link(weights) : null, exportCommand: exportCommand(run.id) };
  }),

  /** Reconstructions, error histogram and code scatter of the saved model on validation digits; null when not recorded. */
  evaluation: publicProcedure.input(runIdInput).query(async ({ ctx, input }) => {
    await requireRun(ctx.tracker, input.id);
    return readRunEvaluation(ctx.tracker, input.id);
  }),

  /** What the playground loads: the encoder and decoder links, or the command that makes them; digits to start from. */
  playground: publicProcedure.input(runIdInput).query(async ({ ctx, input }) => {
    const run = await requireRun(ctx.tracker, input.id);
    const parts = onnxExports(run, await ctx.tracker.listArtifacts(run.id));
    const evaluation = await readRunEvaluation(ctx.tracker, run.id);
    return {
      run: { id: run.id, name: run.name, architecture: run.architecture, hiddenSize: run.hiddenSize, status: run.status },
      encoder: parts.find((p) => p.part === "encoder") ?? null,
      decoder: parts.find((p) => p.part === "decoder") ?? null,
      exportCommand: exportCommand(run.id),
      // Inputs only: the playground computes its own reconstructions and codes.
      samples: evaluation
        ? {
            index: evaluation.samples.index,
            label: evaluation.samples.label,
            input: evaluation.samples.input,
            scaling: evaluation.scaling,
            classNames: evaluation.classNames ?? null,
          }
        : null,
      codes: evaluation?.codes ?? null,
    };
  }),

  /** Runs with an exported encoder and decoder, newest run first, for the playground's run picker. */
  exportedRuns: publicProcedure.query(async ({ ctx }) => {
    const { runs } = await ctx.tracker.listRuns({ orderBy: `metric:${EXPORTED_METRIC}`, direction: "asc", limit: EXPORTED_RUNS_LIMIT });
    return runs
      .filter((run) => run.summary[EXPORTED_METRIC] !== undefined && run.summary.onnx_parity_decoder !== undefined)
      .sort((a, b) => b.startedAt.getTime() - a.startedAt.getTime())
      .map((run) => ({ id: run.id, name: run.name, architecture: run.architecture, hiddenSize: run.hiddenSize }));
  }),
});
