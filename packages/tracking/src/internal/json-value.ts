/**
 * Spec, split and sweep config are stored as JSON text (String columns, not
 * Prisma `Json`, whose writes round floats). Values are normalised through JSON
 * (undefined dropped, Dates to strings, NaN to null), so both databases return
 * exactly `JSON.parse(JSON.stringify(value))`; what cannot be JSON is rejected.
 */
import { AelabError, ErrorCode } from "@aelab/core";
import { invalid } from "./validate.ts";

export function toJsonText(name: string, value: unknown): string {
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
  return text;
}

export function fromJsonText(text: string): unknown {
  return JSON.parse(text) as unknown;
}
