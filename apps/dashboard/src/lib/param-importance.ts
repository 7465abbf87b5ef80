/**
 * Parameter importance, correlation-based (not fANOVA): over the trials that
 * have a finite metric, each parameter scores
 * - numeric: |Spearman ρ| between the parameter and the metric (ranks, so a
 *   log-scaled learning rate and a linear one score the same);
 * - categorical (strings, booleans): the correlation ratio η of the metric's
 *   ranks grouped by the parameter's value.
 * Both lie in [0, 1]; a constant parameter scores 0. The scores are not
 * normalised to sum to 1: two parameters can both matter fully. It captures
 * monotone effects and per-category shifts, not interactions or U-shapes
 * (a learning rate with an optimum in the middle of its range scores low).
 */
export interface TrialPoint {
  params: Record<string, string | number | boolean>;
  value: number;
}

export interface Importance {
  param: string;
  kind: "numeric" | "categorical";
  score: number;
}

/** Average ranks (ties share their mean rank), 0-based. */
export function ranks(values: readonly number[]): number[] {
  const order = values.map((v, i) => [v, i] as const).sort((a, b) => a[0] - b[0]);
  const out = new Array<number>(values.length);
  for (let i = 0; i < order.length;) {
    let j = i;
    while (j + 1 < order.length && order[j + 1][0] === order[i][0]) j++;
    for (let k = i; k <= j; k++) out[order[k][1]] = (i + j) / 2;
    i = j + 1;
  }
  return out;
}

function pearson(x: readonly number[], y: readonly number[]): number {
  const n = x.length;
  const mx = x.reduce((a, b) => a + b, 0) / n;
  const my = y.reduce((a, b) => a + b, 0) / n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    sxy += (x[i] - mx) * (y[i] - my);
    sxx += (x[i] - mx) ** 2;
    syy += (y[i] - my) ** 2;
  }
  return sxx === 0 || syy === 0 ? 0 : sxy / Math.sqrt(sxx * syy);
}

/** η: sqrt(between-group sum of squares / total sum of squares). */
function correlationRatio(groups: readonly string[], y: readonly number[]): number {
  const mean = y.reduce((a, b) => a + b, 0) / y.length;
  const total = y.reduce((a, b) => a + (b - mean) ** 2, 0);
  if (total === 0) return 0;
  const byGroup = new Map<string, number[]>();
  groups.forEach((g, i) => byGroup.set(g, [...(byGroup.get(g) ?? []), y[i]]));
  let between = 0;
  for (const members of byGroup.values()) {
    const m = members.reduce((a, b) => a + b, 0) / members.length;
    between += members.length * (m - mean) ** 2;
  }
  return Math.sqrt(between / total);
}

export function parameterImportance(trials: readonly TrialPoint[]): Importance[] {
  const usable = trials.filter((t) => Number.isFinite(t.value));
  if (usable.length < 3) return [];
  const metricRanks = ranks(usable.map((t) => t.value));
  const names = [...new Set(usable.flatMap((t) => Object.keys(t.params)))].sort();
  const scores = names.flatMap((param): Importance[] => {
    const present = usable.map((t, i) => ({ v: t.params[param], r: metricRanks[i] })).filter((p) => p.v !== undefined);
    if (present.length < 3) return [];
    if (present.every((p) => typeof p.v === "number")) {
      const rho = pearson(
        ranks(present.map((p) => p.v as number)),
        present.map((p) => p.r),
      );
      return [{ param, kind: "numeric", score: Math.abs(rho) }];
    }
    return [
      {
        param,
        kind: "categorical",
        score: correlationRatio(
          present.map((p) => String(p.v)),
          present.map((p) => p.r),
        ),
      },
    ];
  });
  return scores.sort((a, b) => b.score - a.score || a.param.localeCompare(b.param));
}
