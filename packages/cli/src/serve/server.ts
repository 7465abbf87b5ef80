/**
 * `startServer()`: the HTTP inference server behind `aelab serve`, on
 * node:http. One onnxruntime-node session per part serves every request.
 * onnxruntime-node 1.30 runs each `session.run` synchronously on the main
 * thread (its `run()` defers the native call with setImmediate), so requests
 * overlap in reading, parsing and answering but their inferences take turns;
 * `--threads` parallelises inside one inference.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { AelabError, ErrorCode } from "@aelab/core";
import { describeModel, endpointParts } from "./describe-model.ts";
import { ENDPOINTS, answer, isEndpoint, partsFor } from "./endpoints.ts";
import { ServeError, ServeErrorCode } from "./http-errors.ts";
import { bearerCheck } from "./auth.ts";
import { checkContentType } from "./parse-inputs.ts";
import { readBody } from "./read-body.ts";
import { sendAnswer, sendError, sendJson } from "./respond.ts";
import { checkServeOptions, type CheckedServeOptions, type ServeOptions } from "./serve-options.ts";
import { loadServedModel, type ServedModel } from "./served-model.ts";

export interface RunningServer {
  /** e.g. http://127.0.0.1:8080 (the real port when 0 was asked for). */
  url: string;
  host: string;
  port: number;
  model: ServedModel;
  /** "POST /v1/encode" etc.: the endpoints this model answers. */
  endpoints: string[];
  /** Stops accepting, lets in-flight requests finish (up to shutdownTimeoutMs), then releases the sessions. */
  close(): Promise<void>;
}

const GET_PATHS = new Set(["/healthz", "/metadata"]);

function allowOnly(method: string | undefined, allowed: string[], path: string): void {
  if (method !== undefined && allowed.includes(method)) return;
  throw new ServeError(ServeErrorCode.MethodNotAllowed, `${path} takes ${allowed.join(" or ")}. Received: ${method ?? "no method"}`, {
    allow: allowed.join(", "),
  });
}

function hasUnreadBody(req: IncomingMessage): boolean {
  return (req.headers["content-length"] !== undefined && req.headers["content-length"] !== "0") || req.headers["transfer-encoding"] !== undefined;
}

type Handler = (req: IncomingMessage, res: ServerResponse, expectsContinue: boolean) => Promise<void>;

function createHandler(model: ServedModel, o: CheckedServeOptions, isClosing: () => boolean): Handler {
  const checkToken = o.token === undefined ? undefined : bearerCheck(o.token);
  const limits = { maxBatch: o.maxBatch, maxBodyBytes: o.maxBodyBytes, maxInflight: o.maxInflight };
  const paths = [...GET_PATHS, ...Object.keys(ENDPOINTS)];
  let inflight = 0;

  async function infer(req: IncomingMessage, res: ServerResponse, url: URL, started: number, expectsContinue: boolean): Promise<number> {
    const path = url.pathname;
    if (!isEndpoint(path)) throw new Error(`not an endpoint: ${path}`);
    allowOnly(req.method, ["POST"], path);
    partsFor(model, path);
    checkContentType(req.headers["content-type"], `POST ${path}`);
    if (inflight >= o.maxInflight) {
      throw new ServeError(
        ServeErrorCode.Busy,
        `The server is answering ${inflight} requests (--max-inflight ${o.maxInflight}); retry shortly. Received: one more`,
        {
          "retry-after": "1",
        },
      );
    }
    inflight++;
    try {
      if (expectsContinue) res.writeContinue();
      const body = await readBody(req, o.maxBodyBytes);
      const result = await answer({ model, path, body, contentType: req.headers["content-type"], query: url.searchParams, maxBatch: o.maxBatch });
      if (isClosing()) res.setHeader("connection", "close");
      sendAnswer(res, result, { model: model.name, accept: req.headers.accept, started });
      return result.outputs[Object.keys(result.outputs)[0]].shape[0];
    } finally {
      inflight--;
    }
  }

  async function handle(req: IncomingMessage, res: ServerResponse, expectsContinue: boolean): Promise<void> {
    const started = performance.now();
    const url = new URL(req.url ?? "/", "http://localhost");
    let batch: number | undefined;
    try {
      if (url.pathname === "/healthz") {
        allowOnly(req.method, ["GET", "HEAD"], url.pathname);
        sendJson(res, isClosing() ? 503 : 200, { status: isClosing() ? "shutting_down" : "ok" }, isClosing() ? { connection: "close" } : {});
        return;
      }
      if (isClosing()) throw new ServeError(ServeErrorCode.ShuttingDown, "The server is shutting down. Received: a new request", { connection: "close" });
      checkToken?.(req.headers.authorization);
      if (url.pathname === "/metadata") {
        allowOnly(req.method, ["GET", "HEAD"], url.pathname);
        sendJson(res, 200, describeModel(model, limits));
      } else if (isEndpoint(url.pathname)) {
        batch = await infer(req, res, url, started, expectsContinue);
      } else {
        throw new ServeError(ServeErrorCode.NotFound, `No such endpoint; this server has ${paths.join(", ")}. Received: ${req.method} ${url.pathname}`);
      }
    } catch (error) {
      // A body that was never read would be taken for the next request.
      if (!res.headersSent && hasUnreadBody(req) && !req.readableEnded) res.setHeader("connection", "close");
      sendError(res, error);
    } finally {
      const ms = (performance.now() - started).toFixed(2);
      o.log?.(`${new Date().toISOString()} ${req.method} ${req.url} ${res.statusCode}${batch === undefined ? "" : ` batch=${batch}`} ${ms}ms`);
    }
  }

  return handle;
}

function listenError(error: NodeJS.ErrnoException, host: string, port: number): AelabError {
  const why: Record<string, string> = {
    EADDRINUSE: "the port is already in use; pick another --port (or --port 0 for any free one)",
    EACCES: "this user may not bind that port; ports below 1024 need privileges",
    EADDRNOTAVAIL: "this machine has no such interface; use 127.0.0.1 or 0.0.0.0",
    ENOTFOUND: "the host name does not resolve",
  };
  return new AelabError(
    ErrorCode.InvalidInput,
    `Cannot serve on ${host}:${port}: ${why[error.code ?? ""] ?? "listening failed"}. Received: ${error.code ?? error.message}`,
    {
      cause: error,
    },
  );
}

/**
 * Loads the model (checking every file's self-test), then listens. Resolves
 * once the server accepts connections.
 *
 * @example
 * const server = await startServer({ files: ["artifacts/onnx/dense-h32-<run>-encoder.onnx"], port: 0 });
 * const res = await fetch(`${server.url}/v1/encode`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ inputs: [digit] }) });
 * await server.close();
 */
export async function startServer(options: ServeOptions): Promise<RunningServer> {
  const o = checkServeOptions(options);
  const model = await loadServedModel(o.files, { threads: o.threads, selfTest: o.selfTest });
  let closing = false;
  const handle = createHandler(model, o, () => closing);
  const server = createServer({ keepAliveTimeout: 5_000, requestTimeout: 60_000 });
  const run = (req: IncomingMessage, res: ServerResponse, expectsContinue: boolean) => {
    handle(req, res, expectsContinue).catch((error: unknown) => sendError(res, error));
  };
  server.on("request", (req, res) => run(req, res, false));
  // Answer refusals (401, 413 by Content-Length, 415, …) before the client sends a body it announced with Expect: 100-continue.
  server.on("checkContinue", (req, res) => run(req, res, true));
  try {
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(o.port, o.host, () => {
        server.off("error", reject);
        resolve();
      });
    });
  } catch (error) {
    await model.dispose();
    throw listenError(error as NodeJS.ErrnoException, o.host, o.port);
  }
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : o.port;
  const url = `http://${o.host.includes(":") ? `[${o.host}]` : o.host}:${port}`;
  let closed: Promise<void> | undefined;
  const close = () => {
    closed ??= (async () => {
      closing = true;
      const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const timer = setTimeout(() => server.closeAllConnections(), o.shutdownTimeoutMs);
      await stopped;
      clearTimeout(timer);
      await model.dispose();
    })();
    return closed;
  };
  const endpoints = [
    "GET /healthz",
    "GET /metadata",
    ...Object.entries(endpointParts(model))
      .filter(([, parts]) => parts !== null)
      .map(([path]) => `POST ${path}`),
  ];
  return { url, host: o.host, port, model, endpoints, close };
}
