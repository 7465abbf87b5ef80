/**
 * Shapes `tracker.compare` rows into chart series: one line per architecture
 * (hidden size → best validation metric) and one PCA-baseline line.
 * Pure, so the page, the chart and the tests share it.
 */
import type { CompareRow } from "@aelab/tracking";

export const PCA_SERIES_NAME = "PCA";

export interface CompareSeries {
  name: string;
  kind: "architecture" | "pca";
  /** [hiddenSize, value] pairs sorted by hidden size. */
  points: Array<[number, number]>;
}

function minByHiddenSize(pairs: Array<[number, number | null]>): Array<[number, number]> {
  const best = new Map<number, number>();
  for (const [hidden, value] of pairs) {
    if (value === null || !Number.isFinite(value)) continue;
    const current = best.get(hidden);
    if (current === undefined || value < current) best.set(hidden, value);
  }
  return [...best.entries()].sort((a, b) => a[0] - b[0]);
}

/**
 * Several runs at one (architecture, hidden size), e.g. seeds, collapse to their
 * minimum, as the PCA values at one hidden size do. Runs without a hidden size,
 * and non-finite values (diverged runs), cannot be placed and are left out.
 */
export function buildCompareSeries(rows: readonly CompareRow[]): CompareSeries[] {
  const placed = rows.filter((row): row is CompareRow & { hiddenSize: number } => row.hiddenSize !== null);
  const architectures = [...new Set(placed.map((row) => row.architecture))].sort();
  const series: CompareSeries[] = architectures.map((architecture) => ({
    // A user architecture literally called "PCA" must not merge with the baseline in the legend.
    name: architecture === PCA_SERIES_NAME ? `${architecture} (model)` : architecture,
    kind: "architecture",
    points: minByHiddenSize(placed.filter((row) => row.architecture === architecture).map((row) => [row.hiddenSize, row.best])),
  }));
  const pca = minByHiddenSize(placed.map((row) => [row.hiddenSize, row.pca]));
  if (pca.length > 0) series.push({ name: PCA_SERIES_NAME, kind: "pca", points: pca });
  return series.filter((s) => s.points.length > 0);
}

/** Hidden size × series pivot for the table beside the chart. */
export function pivotCompareSeries(series: readonly CompareSeries[]): { hiddenSizes: number[]; cells: Array<Array<number | null>> } {
  const hiddenSizes = [...new Set(series.flatMap((s) => s.points.map(([hidden]) => hidden)))].sort((a, b) => a - b);
  const cells = hiddenSizes.map((hidden) => series.map((s) => s.points.find(([h]) => h === hidden)?.[1] ?? null));
  return { hiddenSizes, cells };
}
