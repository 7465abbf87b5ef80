/**
 * Input checks for the tracker, done once before anything touches the database.
 * Each failure is an INVALID_INPUT AelabError in the Keras style.
 */
import { AelabError, ErrorCode, describeValue } from "@aelab/core";
import type { ArtifactInput, MetricInput, ParamValue } from "../tracker.ts";

/** Columns are 32-bit integers on PostgreSQL. */
const MAX_INT32 = 2_147_483_647;
const MAX_KEY_LENGTH = 250;

export function invalid(expected: string, name: string, value: unknown): AelabError {
  return new AelabError(ErrorCode.InvalidInput, `Expected ${expected}. Received: ${name}=${describeValue(value)}`);
}

export function requireText(name: string, value: unknown, maxLength = 1000): string {
  if (typeof value !== "string" || value.trim() === "" || value.length > maxLength) {
    throw invalid(`\`${name}\` to be a non-empty string of at most ${maxLength} characters`, name, value);
  }
  return value;
}

export function requireInt(name: string, value: unknown, min: number, max = MAX_INT32): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
    throw invalid(`\`${name}\` to be an integer in [${min}, ${max}]`, name, value);
  }
  return value;
}

export function optionalInt(name: string, value: unknown, min: number, max = MAX_INT32): number | undefined {
  return value === undefined ? undefined : requireInt(name, value, min, max);
}

export function requireSeed(value: unknown): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "number" || !Number.isSafeInteger(value)) throw invalid("`seed` to be a safe integer", "seed", value);
  return value;
}

export function requireDate(name: string, value: unknown): Date {
  if (!(value instanceof Date) || Number.isNaN(value.getTime())) throw invalid(`\`${name}\` to be a valid Date`, name, value);
  return value;
}

export function requireMetric(metric: MetricInput, index: number): MetricInput {
  const at = `metrics[${index}]`;
  if (typeof metric !== "object" || metric === null) throw invalid("each metric to be an object", at, metric);
  requireText(`${at}.key`, metric.key, MAX_KEY_LENGTH);
  if (typeof metric.value !== "number") throw invalid(`\`${at}.value\` to be a number (NaN and ±Infinity allowed)`, `${at}.value`, metric.value);
  requireInt(`${at}.step`, metric.step, 0);
  optionalInt(`${at}.epoch`, metric.epoch, 0);
  if (metric.wallTime !== undefined) requireDate(`${at}.wallTime`, metric.wallTime);
  return metric;
}

export function requireParams(params: unknown): Record<string, ParamValue> {
  if (typeof params !== "object" || params === null || Array.isArray(params)) {
    throw invalid("`params` to be an object of string, number or boolean values", "params", params);
  }
  for (const [key, value] of Object.entries(params)) {
    requireText("param key", key, MAX_KEY_LENGTH);
    if (typeof value !== "string" && typeof value !== "number" && typeof value !== "boolean") {
      throw invalid(`param \`${key}\` to be a string, number or boolean`, `params.${key}`, value);
    }
  }
  return params as Record<string, ParamValue>;
}

export function requireTags(tags: unknown): Record<string, string> {
  if (typeof tags !== "object" || tags === null || Array.isArray(tags)) {
    throw invalid("`tags` to be an object of string values", "tags", tags);
  }
  for (const [key, value] of Object.entries(tags)) {
    requireText("tag key", key, MAX_KEY_LENGTH);
    if (typeof value !== "string") throw invalid(`tag \`${key}\` to be a string`, `tags.${key}`, value);
  }
  return tags as Record<string, string>;
}

export function requireArtifact(artifact: ArtifactInput): ArtifactInput {
  if (typeof artifact !== "object" || artifact === null) throw invalid("an artifact object", "artifact", artifact);
  requireText("artifact.kind", artifact.kind, MAX_KEY_LENGTH);
  requireText("artifact.path", artifact.path, 4096);
  if (typeof artifact.bytes !== "number" || !Number.isSafeInteger(artifact.bytes) || artifact.bytes < 0) {
    throw invalid("`artifact.bytes` to be a non-negative integer", "artifact.bytes", artifact.bytes);
  }
  if (typeof artifact.sha256 !== "string" || !/^[0-9a-fA-F]{64}$/.test(artifact.sha256)) {
    throw invalid("`artifact.sha256` to be 64 hex digits", "artifact.sha256", artifact.sha256);
  }
  return { ...artifact, sha256: artifact.sha256.toLowerCase() };
}

export function requireStatus<S extends string>(value: unknown, allowed: readonly S[]): S {
  if (!allowed.includes(value as S)) throw invalid(`a status in ${JSON.stringify(allowed)}`, "status", value);
  return value as S;
}

export function requireDuration(name: string, value: unknown): number {
  if (typeof value !== "number" || !Number.isFinite(value) || value <= 0) {
    throw invalid(`\`${name}\` to be a positive number of milliseconds`, name, value);
  }
  return value;
}
