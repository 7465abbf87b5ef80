/**
 * Turns Prisma errors into AelabErrors: a missing row or a dangling foreign key
 * becomes NOT_FOUND (naming what was looked up), everything else TRACKING with
 * the Prisma error as `cause`. Prisma's error classes differ per generated
 * client, so errors are recognised by their stable `code`.
 */
import { AelabError, ErrorCode, isAelabError } from "@aelab/core";

/** Prisma codes: P2025 record not found, P2003 foreign key violation. */
const NOT_FOUND_CODES = new Set(["P2025", "P2003"]);

export function prismaCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" && /^P\d{4}$/.test(code) ? code : undefined;
}

export interface ErrorContext {
  /** What was being done, e.g. `log a batch`. */
  operation: string;
  /** What NOT_FOUND refers to, e.g. `runId="…"`. */
  subject?: string;
}

export function toAelabError(error: unknown, context: ErrorContext): AelabError {
  if (isAelabError(error)) return error;
  const code = prismaCode(error);
  if (code !== undefined && NOT_FOUND_CODES.has(code) && context.subject !== undefined) {
    return new AelabError(ErrorCode.NotFound, `Expected an existing record to ${context.operation}. Received: ${context.subject}`, {
      cause: error,
    });
  }
  const detail = error instanceof Error ? error.message.trim().split("\n").at(-1) : String(error);
  return new AelabError(ErrorCode.Tracking, `Expected the tracking database to ${context.operation}. Received: ${code ?? "error"}: ${detail}`, {
    cause: error,
    details: code === undefined ? {} : { prismaCode: code },
  });
}

/** Runs `fn`, rethrowing any failure as an AelabError. */
export async function tracked<T>(context: ErrorContext, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    throw toAelabError(error, context);
  }
}

export function notFound(what: string, subject: string): AelabError {
  return new AelabError(ErrorCode.NotFound, `Expected an existing ${what}. Received: ${subject}`);
}
