/**
 * The summary rule, as a pure function over per-kind aggregates:
 * - latest: the value at the highest step, NaN included;
 * - min / max: over every non-NaN value, ±Infinity included; NaN only when
 *   every value is NaN. So a NaN epoch never hides the best value.
 */
import { encodeNumber, type NumberKind } from "./number-codec.ts";

export interface KindAggregate {
  kind: string;
  /** min / max of the stored values of this kind (only meaningful for "finite"). */
  min: number | null;
  max: number | null;
  count: number;
}

export interface SummaryColumns {
  latestValue: number | null;
  latestKind: NumberKind;
  latestStep: number;
  minValue: number | null;
  minKind: NumberKind;
  maxValue: number | null;
  maxKind: NumberKind;
  count: number;
}

export function summarise(groups: readonly KindAggregate[], latest: { step: number; value: number }): SummaryColumns {
  const finite = groups.find((g) => g.kind === "finite" && g.count > 0);
  const hasInf = groups.some((g) => g.kind === "inf" && g.count > 0);
  const hasNegInf = groups.some((g) => g.kind === "-inf" && g.count > 0);
  const min = hasNegInf ? -Infinity : finite ? (finite.min ?? NaN) : hasInf ? Infinity : NaN;
  const max = hasInf ? Infinity : finite ? (finite.max ?? NaN) : hasNegInf ? -Infinity : NaN;
  const l = encodeNumber(latest.value);
  const lo = encodeNumber(min);
  const hi = encodeNumber(max);
  return {
    latestValue: l.value,
    latestKind: l.kind,
    latestStep: latest.step,
    minValue: lo.value,
    minKind: lo.kind,
    maxValue: hi.value,
    maxKind: hi.kind,
    count: groups.reduce((total, g) => total + g.count, 0),
  };
}
