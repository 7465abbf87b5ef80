/**
 * Params are stored flattened as text plus a type tag, so `"1"`, `1` and `true`
 * stay distinguishable. Numbers use JS's shortest round-trip form
 * (`String(x)`), so every double — NaN and ±Infinity included — reads back
 * identical.
 */
import type { ParamValue } from "../tracker.ts";

export type ParamType = "string" | "number" | "boolean";

export function encodeParam(value: ParamValue): {
  type: ParamType;
  value: string;
} {
  switch (typeof value) {
    case "number":
      return { type: "number", value: String(value) };
    case "boolean":
      return { type: "boolean", value: value ? "true" : "false" };
    default:
      return { type: "string", value };
  }
}

export function decodeParam(type: string, value: string): ParamValue {
  if (type === "number") return Number(value);
  if (type === "boolean") return value === "true";
  return value;
}
