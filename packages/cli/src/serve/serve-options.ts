/**
 * The server's options, their defaults, and the checks every entry point
 * (`aelab serve` flags, `startServer()` callers) goes through. Errors are
 * `INVALID_INPUT` (exit code 2) in the Keras style, naming the flag.
 */
import { AelabError, ErrorCode, describeValue } from "@aelab/core";

export const SERVE_DEFAULTS = {
  host: "127.0.0.1",
  port: 8080,
  maxBatch: 1024,
  maxBodyBytes: 16 * 1024 * 1024,
  maxInflight: 64,
  shutdownTimeoutMs: 10_000,
} as const;

export interface ServeOptions {
  /** .onnx files or folders of them: the parts of one exported model. */
  files: string[];
  /** Interface to bind. Default 127.0.0.1 (this machine only). */
  host?: string;
  /** Port; 0 picks a free one (see `RunningServer.url`). Default 8080. */
  port?: number;
  /** Intra-op threads per ONNX Runtime session. Default: onnxruntime's (one per core). */
  threads?: number;
  /** Most samples in one request. Default 1024. */
  maxBatch?: number;
  /** Largest request body in bytes. Default 16 MiB. */
  maxBodyBytes?: number;
  /** Most inference requests in progress at once (reading, queued, running, answering); more get 503. Default 64. */
  maxInflight?: number;
  /** Bearer token every request but GET /healthz must carry. */
  token?: string;
  /** Run each file's stored self-test at start-up and refuse to start if one fails. Default true. */
  selfTest?: boolean;
  /** Called with one line per answered request (the CLI's --log). */
  log?: (line: string) => void;
  /** How long close() waits for in-flight requests before cutting connections. Default 10 s. */
  shutdownTimeoutMs?: number;
}

export type CheckedServeOptions = Required<Omit<ServeOptions, "threads" | "token" | "log">> & Pick<ServeOptions, "threads" | "token" | "log">;

function int(value: unknown, flag: string, min: number, max: number): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
    throw new AelabError(ErrorCode.InvalidInput, `${flag} must be an integer from ${min} to ${max}. Received: ${describeValue(value)}`);
  }
  return value;
}

/**
 * Parses a numeric flag as the CLI receives it (a string) into an integer, or
 * throws the Keras-style error; range checks follow in `checkServeOptions`.
 */
export function parseIntegerFlag(value: string, flag: string): number {
  const n = /^\s*-?\d+\s*$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(n)) throw new AelabError(ErrorCode.InvalidInput, `${flag} must be an integer. Received: ${JSON.stringify(value)}`);
  return n;
}

export function checkServeOptions(options: ServeOptions): CheckedServeOptions {
  const host = options.host ?? SERVE_DEFAULTS.host;
  if (typeof host !== "string" || host.trim() === "" || /[\s/]/.test(host)) {
    throw new AelabError(ErrorCode.InvalidInput, `--host must be an interface address or name, e.g. 127.0.0.1 or 0.0.0.0. Received: ${describeValue(host)}`);
  }
  const token = options.token;
  if (token !== undefined && (typeof token !== "string" || token.length < 8 || /\s/.test(token))) {
    throw new AelabError(
      ErrorCode.InvalidInput,
      `--token (or $AELAB_SERVE_TOKEN) must be at least 8 characters with no spaces. Received: ${typeof token === "string" ? `${token.length} characters` : describeValue(token)}`,
    );
  }
  return {
    files: options.files,
    host,
    port: int(options.port ?? SERVE_DEFAULTS.port, "--port", 0, 65_535),
    threads: options.threads === undefined ? undefined : int(options.threads, "--threads", 1, 256),
    maxBatch: int(options.maxBatch ?? SERVE_DEFAULTS.maxBatch, "--max-batch", 1, 1_000_000),
    maxBodyBytes: int(options.maxBodyBytes ?? SERVE_DEFAULTS.maxBodyBytes, "--max-body-bytes", 1024, 2 ** 31 - 1),
    maxInflight: int(options.maxInflight ?? SERVE_DEFAULTS.maxInflight, "--max-inflight", 1, 100_000),
    token,
    selfTest: options.selfTest ?? true,
    log: options.log,
    shutdownTimeoutMs: int(options.shutdownTimeoutMs ?? SERVE_DEFAULTS.shutdownTimeoutMs, "shutdownTimeoutMs", 0, 600_000),
  };
}
