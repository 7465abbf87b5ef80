/**
 * The one place where aelab error codes become tRPC error codes.
 * Routers throw `AelabError`s (or let the tracker throw them); the base procedure
 * in trpc.ts converts them here, so HTTP status codes follow from tRPC's own table.
 */
import { AelabError, ErrorCode } from "@aelab/core";
import { TRPCError } from "@trpc/server";

type TRPCCode = TRPCError["code"];

export const TRPC_CODE_BY_AELAB_CODE = {
  [ErrorCode.InvalidSpec]: "BAD_REQUEST",
  [ErrorCode.ShapeMismatch]: "BAD_REQUEST",
  [ErrorCode.InvalidInput]: "BAD_REQUEST",
  [ErrorCode.InvalidData]: "UNPROCESSABLE_CONTENT",
  [ErrorCode.InvalidConfig]: "BAD_REQUEST",
  [ErrorCode.BackendUnavailable]: "SERVICE_UNAVAILABLE",
  [ErrorCode.BackendCapability]: "NOT_IMPLEMENTED",
  [ErrorCode.TrainingDiverged]: "UNPROCESSABLE_CONTENT",
  [ErrorCode.ExportParity]: "INTERNAL_SERVER_ERROR",
  [ErrorCode.ExportUnsupported]: "NOT_IMPLEMENTED",
  [ErrorCode.NotFound]: "NOT_FOUND",
  [ErrorCode.Tracking]: "INTERNAL_SERVER_ERROR",
  [ErrorCode.Internal]: "INTERNAL_SERVER_ERROR",
} as const satisfies Record<ErrorCode, TRPCCode>;

/**
 * Duck-typed as well as `instanceof`: a workspace package bundled twice (server
 * chunk vs. route chunk) would otherwise make a second AelabError class.
 */
export function asAelabError(error: unknown): AelabError | null {
  if (error instanceof AelabError) return error;
  if (!(error instanceof Error) || error.name !== "AelabError") return null;
  const code: unknown = (error as Error & { code?: unknown }).code;
  return typeof code === "string" && Object.hasOwn(TRPC_CODE_BY_AELAB_CODE, code) ? (error as AelabError) : null;
}

/** The tRPC error for an aelab error, or null when `error` is not one. */
export function toTRPCError(error: unknown): TRPCError | null {
  const aelab = asAelabError(error);
  if (!aelab) return null;
  return new TRPCError({ code: TRPC_CODE_BY_AELAB_CODE[aelab.code], message: aelab.message, cause: aelab });
}
