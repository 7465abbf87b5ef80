/**
 * Early stopping of unpromising trials on their validation loss per epoch,
 * as Optuna's pruners decide it:
 *
 * - `median` (MedianPruner): once `startupTrials` trials have finished, and
 *   after `warmupEpochs`, a trial whose best validation loss so far is worse
 *   than the median of the finished trials' losses at the same epoch stops.
 * - `asha` (SuccessiveHalvingPruner, asynchronous): rungs at
 *   minEpochs · η^(minEarlyStoppingRate + k) epochs. A trial reaching a rung is
 *   compared with every trial that reached it (itself included, whatever their
 *   state) and continues only if it is in the best 1/η of them (the best one,
 *   while fewer than η have reached it).
 *
 * A NaN loss always prunes. Lower is better.
 */

export type PrunerConfig =
  | { type: "median"; startupTrials: number; warmupEpochs: number; intervalEpochs: number }
  | { type: "asha"; minEpochs: number; reductionFactor: number; minEarlyStoppingRate: number };

/** Validation loss per epoch of one trial's run. */
export interface TrialCurve {
  trialIndex: number;
  finished: boolean;
  /** epoch → validation loss. */
  values: Map<number, number>;
}

export interface PruneDecision {
  prune: boolean;
  /** Why, in words, when pruned. */
  reason?: string;
}

const KEEP: PruneDecision = { prune: false };

function percentile(sorted: number[], q: number): number {
  // numpy's default (linear) interpolation.
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

/**
 * Decides after `epoch` of the trial whose losses so far are `own` (epoch → loss),
 * against `others` (every other trial's run of the sweep).
 */
export function decidePrune(config: PrunerConfig, epoch: number, own: Map<number, number>, others: TrialCurve[]): PruneDecision {
  const value = own.get(epoch);
  if (value === undefined) return KEEP;
  if (Number.isNaN(value)) return { prune: true, reason: `validation loss is NaN at epoch ${epoch}` };
  return config.type === "median" ? median(config, epoch, own, others) : asha(config, epoch, own, others);
}

function median(config: Extract<PrunerConfig, { type: "median" }>, epoch: number, own: Map<number, number>, others: TrialCurve[]): PruneDecision {
  if (epoch <= config.warmupEpochs) return KEEP;
  if ((epoch - config.warmupEpochs - 1) % config.intervalEpochs !== 0) return KEEP;
  const finished = others.filter((t) => t.finished);
  if (finished.length === 0 || finished.length < config.startupTrials) return KEEP;
  const atEpoch = finished
    .map((t) => t.values.get(epoch))
    .filter((v): v is number => v !== undefined && !Number.isNaN(v))
    .sort((a, b) => a - b);
  if (atEpoch.length === 0) return KEEP;
  let best = Number.POSITIVE_INFINITY;
  for (const [e, v] of own) if (e <= epoch && v < best) best = v;
  const m = percentile(atEpoch, 0.5);
  return best > m
    ? { prune: true, reason: `best validation loss ${best} by epoch ${epoch} is worse than the median ${m} of ${atEpoch.length} finished trials at that epoch` }
    : KEEP;
}

/** The rungs (in epochs) up to `epoch`. */
export function ashaRungs(config: Extract<PrunerConfig, { type: "asha" }>, epoch: number): number[] {
  const rungs: number[] = [];
  for (let k = 0; ; k++) {
    const at = config.minEpochs * config.reductionFactor ** (config.minEarlyStoppingRate + k);
    if (at > epoch) return rungs;
    rungs.push(at);
  }
}

function asha(config: Extract<PrunerConfig, { type: "asha" }>, epoch: number, own: Map<number, number>, others: TrialCurve[]): PruneDecision {
  const rung = ashaRungs(config, epoch).indexOf(epoch);
  if (rung < 0) return KEEP;
  const value = own.get(epoch)!;
  const competing = [value, ...others.map((t) => t.values.get(epoch)).filter((v): v is number => v !== undefined && !Number.isNaN(v))].sort((a, b) => a - b);
  let promotable = Math.floor(competing.length / config.reductionFactor) - 1;
  if (promotable < 0) promotable = 0;
  const threshold = competing[promotable];
  return value <= threshold
    ? KEEP
    : {
        prune: true,
        reason: `validation loss ${value} at rung ${rung} (epoch ${epoch}) is not in the best 1/${config.reductionFactor} of the ${competing.length} trials that reached it (threshold ${threshold})`,
      };
}
