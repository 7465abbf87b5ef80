/**
 * The server's error codes and their HTTP statuses, in one place (as
 * exit-codes.ts is for the CLI). Every error answer is JSON
 * `{"error": {"code", "message"}}` with a Keras-style message.
 */
import { ErrorCode, isAelabError } from "@aelab/core";

export const ServeErrorCode = {
  /** The body is not valid JSON (or not the declared format at all). */
  MalformedBody: "MALFORMED_BODY",
  /** A query parameter is unknown or has a bad value. */
  InvalidQuery: "INVALID_QUERY",
  /** Well-formed, but not a batch this model takes: shape, length, NaN, range. */
  InvalidInput: "INVALID_INPUT",
  Unauthorized: "UNAUTHORIZED",
  NotFound: "NOT_FOUND",
  /** The endpoint exists but needs a part (encoder, decoder, full) this server was not given. */
  PartNotLoaded: "PART_NOT_LOADED",
  MethodNotAllowed: "METHOD_NOT_ALLOWED",
  PayloadTooLarge: "PAYLOAD_TOO_LARGE",
  BatchTooLarge: "BATCH_TOO_LARGE",
  UnsupportedMediaType: "UNSUPPORTED_MEDIA_TYPE",
  /** More requests in flight than --max-inflight. */
  Busy: "SERVER_BUSY",
  ShuttingDown: "SHUTTING_DOWN",
  Internal: "INTERNAL",
} as const;
export type ServeErrorCode = (typeof ServeErrorCode)[keyof typeof ServeErrorCode];

const STATUS: Record<ServeErrorCode, number> = {
  MALFORMED_BODY: 400,
  INVALID_QUERY: 400,
  INVALID_INPUT: 422,
  UNAUTHORIZED: 401,
  NOT_FOUND: 404,
  PART_NOT_LOADED: 404,
  METHOD_NOT_ALLOWED: 405,
  PAYLOAD_TOO_LARGE: 413,
  BATCH_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  SERVER_BUSY: 503,
  SHUTTING_DOWN: 503,
  INTERNAL: 500,
};

export class ServeError extends Error {
  readonly code: ServeErrorCode;
  /** Extra response headers, e.g. `Allow` on a 405 or `WWW-Authenticate` on a 401. */
  readonly headers: Record<string, string>;

  constructor(code: ServeErrorCode, message: string, headers: Record<string, string> = {}) {
    super(message);
    this.name = "ServeError";
    this.code = code;
    this.headers = headers;
  }
}

export interface ErrorAnswer {
  status: number;
  headers: Record<string, string>;
  body: { error: { code: string; message: string } };
}

/** Maps any error thrown while answering a request to its status and JSON body. */
export function errorAnswer(error: unknown): ErrorAnswer {
  if (error instanceof ServeError) {
    return { status: STATUS[error.code], headers: error.headers, body: { error: { code: error.code, message: error.message } } };
  }
  if (isAelabError(error)) {
    const status = error.code === ErrorCode.InvalidInput || error.code === ErrorCode.ShapeMismatch ? 422 : error.code === ErrorCode.NotFound ? 404 : 500;
    return { status, headers: {}, body: { error: { code: error.code, message: error.message } } };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { status: 500, headers: {}, body: { error: { code: ServeErrorCode.Internal, message: `The server failed to answer. Received: ${message}` } } };
}
