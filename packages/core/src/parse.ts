/**
 * Turns unknown input (parsed YAML/JSON, tRPC input) into validated objects,
 * converting zod issues into one `AelabError` that says where and what was received.
 */
import type { z } from "zod";
import { AelabError, ErrorCode, describeValue } from "./errors.ts";
import { inferShapes, type ShapeReport } from "./shapes.ts";
import { autoencoderSpecSchema, trainingConfigSchema, type AutoencoderSpec, type TrainingConfig } from "./spec.ts";

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let v: unknown = input;
  for (const key of path) {
    if (v === null || typeof v !== "object") return undefined;
    v = (v as Record<PropertyKey, unknown>)[key];
  }
  return v;
}

/** Formats zod issues as `at encoder.2.filters: expected …, received …`. */
export function formatIssues(issues: readonly z.core.$ZodIssue[], input: unknown, prefix = ""): string {
  return issues
    .slice(0, 5)
    .map((issue) => {
      const path = [prefix, ...issue.path.map(String)].filter(Boolean).join(".") || "(root)";
      const received = valueAt(input, issue.path);
      return `at ${path}: ${issue.message}. Received: ${received === undefined ? "nothing" : describeValue(received)}`;
    })
    .join("; ");
}

export function parseWith<T>(schema: z.ZodType<T>, input: unknown, options: { what: string; code?: AelabError["code"]; prefix?: string }): T {
  const result = schema.safeParse(input);
  if (!result.success) {
    throw new AelabError(options.code ?? ErrorCode.InvalidConfig, `Invalid ${options.what} ${formatIssues(result.error.issues, input, options.prefix)}`, {
      details: { issues: result.error.issues },
    });
  }
  return result.data;
}

/** Validates a spec and infers its shapes; throws INVALID_SPEC or SHAPE_MISMATCH. */
export function parseSpec(input: unknown, source = "spec"): { spec: AutoencoderSpec; shapes: ShapeReport } {
  const spec = parseWith(autoencoderSpecSchema, input, { what: source, code: ErrorCode.InvalidSpec });
  return { spec, shapes: inferShapes(spec) };
}

export function parseTrainingConfig(input: unknown, source = "training config"): TrainingConfig {
  return parseWith(trainingConfigSchema, input ?? {}, { what: source });
}
