/**
 * Typed errors shared by every aelab package.
 *
 * One base class with a stable `code`, so the CLI, the HTTP server and the tRPC
 * layer can each map errors to exit codes / status codes in one place.
 * Messages follow the Keras style: what was expected, then `Received: …`.
 */
export const ErrorCode = {
  InvalidSpec: "INVALID_SPEC",
  ShapeMismatch: "SHAPE_MISMATCH",
  InvalidInput: "INVALID_INPUT",
  InvalidData: "INVALID_DATA",
  InvalidConfig: "INVALID_CONFIG",
  BackendUnavailable: "BACKEND_UNAVAILABLE",
  BackendCapability: "BACKEND_CAPABILITY",
  TrainingDiverged: "TRAINING_DIVERGED",
  ExportParity: "EXPORT_PARITY",
  ExportUnsupported: "EXPORT_UNSUPPORTED",
  NotFound: "NOT_FOUND",
  Tracking: "TRACKING",
  Internal: "INTERNAL",
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export interface AelabErrorOptions {
  cause?: unknown;
  /** Machine-readable details (paths, shapes, offsets) for callers that render errors. */
  details?: Record<string, unknown>;
}

export class AelabError extends Error {
  readonly code: ErrorCode;
  readonly details: Record<string, unknown>;

  constructor(code: ErrorCode, message: string, options: AelabErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "AelabError";
    this.code = code;
    this.details = options.details ?? {};
  }
}

export function isAelabError(error: unknown, code?: ErrorCode): error is AelabError {
  return error instanceof AelabError && (code === undefined || error.code === code);
}

/** Formats a value for the `Received: …` tail of an error message. */
export function describeValue(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (value instanceof Float32Array || value instanceof Float64Array) {
    return `${value.constructor.name}(length=${value.length})`;
  }
  try {
    const text = JSON.stringify(value);
    if (text === undefined) return String(value);
    return text.length > 200 ? `${text.slice(0, 200)}…` : text;
  } catch {
    return String(value);
  }
}

export function formatShape(shape: readonly number[]): string {
  return `[${shape.join(",")}]`;
}
