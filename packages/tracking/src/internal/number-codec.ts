/**
 * How metric values (and their summaries) that may be NaN or ±Infinity are
 * stored. Prisma sends numbers as JSON, where NaN and ±Infinity silently become
 * null, and SQLite stores NaN as NULL anyway, so each number is a pair:
 *
 * - `kind`: "finite" | "nan" | "inf" | "-inf" — authoritative on read;
 * - `value`: the number when finite, ±1e308 for ±Infinity (so SQL ordering by
 *   the column stays meaningful) and NULL for NaN (which sorts last). Not
 *   ±Number.MAX_VALUE: Prisma prints it in a rounded decimal form that
 *   PostgreSQL rejects as out of range.
 */

/** Stand-in for ±Infinity in value columns; only finite values above it (there are none in practice) would misorder. */
export const INFINITY_SENTINEL = 1e308;
export const NUMBER_KINDS = ["finite", "nan", "inf", "-inf"] as const;
export type NumberKind = (typeof NUMBER_KINDS)[number];

export interface EncodedNumber {
  value: number | null;
  kind: NumberKind;
}

export function encodeNumber(x: number): EncodedNumber {
  if (Number.isFinite(x)) return { value: x, kind: "finite" };
  if (Number.isNaN(x)) return { value: null, kind: "nan" };
  return x > 0 ? { value: INFINITY_SENTINEL, kind: "inf" } : { value: -INFINITY_SENTINEL, kind: "-inf" };
}

export function decodeNumber(value: number | null, kind: string): number {
  switch (kind) {
    case "nan":
      return Number.NaN;
    case "inf":
      return Number.POSITIVE_INFINITY;
    case "-inf":
      return Number.NEGATIVE_INFINITY;
    default:
      return value ?? Number.NaN;
  }
}
