/** The distinct architectures and hidden sizes of the runs in a scope, grouped in SQL (for filter controls). */
import type { Prisma } from "../generated/sqlite/client.ts";
import type { Db } from "../internal/prisma-client.ts";
import { tracked } from "../internal/prisma-errors.ts";
import { requireText } from "../internal/validate.ts";

export interface RunScope {
  experimentName?: string;
  sweepId?: string;
}

export interface RunFacets {
  architectures: string[];
  /** Ascending; runs without a hidden size are left out. */
  hiddenSizes: number[];
  /** Runs in scope. */
  total: number;
}

export function scopeWhere(scope: RunScope): Prisma.RunWhereInput {
  const where: Prisma.RunWhereInput = {};
  if (scope.experimentName !== undefined) where.experiment = { name: requireText("experimentName", scope.experimentName) };
  if (scope.sweepId !== undefined) where.sweepId = requireText("sweepId", scope.sweepId);
  return where;
}

export async function getRunFacets(db: Db, scope: RunScope = {}): Promise<RunFacets> {
  const where = scopeWhere(scope);
  const groups = await tracked({ operation: "read run facets" }, () =>
    db.run.groupBy({ by: ["architecture", "hiddenSize"], where, _count: { _all: true }, orderBy: [{ architecture: "asc" }, { hiddenSize: "asc" }] }),
  );
  const architectures = [...new Set(groups.map((g) => g.architecture))].sort();
  const hiddenSizes = [...new Set(groups.flatMap((g) => (g.hiddenSize === null ? [] : [g.hiddenSize])))].sort((a, b) => a - b);
  const total = groups.reduce((sum, g) => sum + g._count._all, 0);
  return { architectures, hiddenSizes, total };
}
