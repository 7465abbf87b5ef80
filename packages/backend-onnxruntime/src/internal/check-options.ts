/** Validates backend options once, before any session is made. */
import { AelabError, ErrorCode, describeValue } from "@aelab/core";
import type { GraphOptimizationLevel, OnnxruntimeOptions, SessionConfig } from "./runtime.ts";

const LEVELS: readonly GraphOptimizationLevel[] = ["disabled", "basic", "extended", "all"];

export function sessionConfig(options: OnnxruntimeOptions, defaultProviders: string[]): SessionConfig {
  const { threads, graphOptimizationLevel = "all", executionProviders = defaultProviders } = options;
  if (threads !== undefined && (!Number.isInteger(threads) || threads < 1 || threads > 256)) {
    throw new AelabError(ErrorCode.InvalidConfig, `threads must be an integer from 1 to 256. Received: threads=${describeValue(threads)}`);
  }
  if (!LEVELS.includes(graphOptimizationLevel)) {
    throw new AelabError(
      ErrorCode.InvalidConfig,
      `graphOptimizationLevel must be one of ${LEVELS.join(", ")}. Received: ${describeValue(graphOptimizationLevel)}`,
    );
  }
  if (!Array.isArray(executionProviders) || executionProviders.length === 0 || executionProviders.some((p) => typeof p !== "string" || p === "")) {
    throw new AelabError(
      ErrorCode.InvalidConfig,
      `executionProviders must be a non-empty list of provider names. Received: ${describeValue(executionProviders)}`,
    );
  }
  return { ...(threads === undefined ? {} : { threads }), graphOptimizationLevel, executionProviders: [...executionProviders] };
}
