/** Maps typed errors to process exit codes, in one place. */
import { ErrorCode, isAelabError } from "@aelab/core";

export const EXIT = { ok: 0, failure: 1, badInput: 2, notFound: 3, backend: 4, parity: 5, runFailed: 6 } as const;

export function exitCodeFor(error: unknown): number {
  if (!isAelabError(error)) return EXIT.failure;
  switch (error.code) {
    case ErrorCode.InvalidSpec:
    case ErrorCode.ShapeMismatch:
    case ErrorCode.InvalidInput:
    case ErrorCode.InvalidData:
    case ErrorCode.InvalidConfig:
      return EXIT.badInput;
    case ErrorCode.NotFound:
      return EXIT.notFound;
    case ErrorCode.BackendUnavailable:
    case ErrorCode.BackendCapability:
      return EXIT.backend;
    case ErrorCode.ExportParity:
    case ErrorCode.ExportUnsupported:
      return EXIT.parity;
    case ErrorCode.TrainingDiverged:
      return EXIT.runFailed;
    case ErrorCode.Tracking:
    case ErrorCode.Internal:
      return EXIT.failure;
    default: {
      const unknown: never = error.code;
      return unknown;
    }
  }
}
