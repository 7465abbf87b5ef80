/**
 * Spec, split and sweep config are stored as JSON. They are normalised through
 * JSON first (undefined dropped, Dates to strings, NaN to null) so both
 * databases store, and return, the same thing; what cannot be JSON is rejected.
 */
import { AelabError, ErrorCode } from "@aelab/core";
import type { Prisma } from "../generated/sqlite/client.ts";
import { invalid } from "./validate.ts";

export function toJsonValue(name: string, value: unknown): Prisma.InputJsonValue {
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch (cause) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    throw new AelabError(ErrorCode.InvalidInput, `Expected \`${name}\` to be JSON-serialisable. Received: ${name} (${reason})`, {
      cause,
    });
  }
  if (text === undefined || text === "null") throw invalid(`\`${name}\` to be a JSON value other than null`, name, value);
  return JSON.parse(text) as Prisma.InputJsonValue;
}
