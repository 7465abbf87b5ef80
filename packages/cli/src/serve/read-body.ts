/**
 * Reads a request body into memory under a byte limit: a declared
 * Content-Length over the limit is refused before any byte is read, and a
 * streamed body is cut off as soon as it passes the limit.
 */
import type { IncomingMessage } from "node:http";
import { ServeError, ServeErrorCode } from "./http-errors.ts";

/** The 413 for a body over `limit`; it closes the connection, since the rest of the body is not read. */
export function tooLarge(limit: number, received: string): ServeError {
  return new ServeError(ServeErrorCode.PayloadTooLarge, `The request body may hold at most ${limit} bytes (--max-body-bytes). Received: ${received}`, {
    connection: "close",
  });
}

export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = req.headers["content-length"];
  if (declared !== undefined && Number(declared) > limit) return Promise.reject(tooLarge(limit, `Content-Length ${declared}`));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let total = 0;
    const onData = (chunk: Buffer) => {
      total += chunk.length;
      if (total > limit) {
        cleanup();
        reject(tooLarge(limit, `more than ${limit} bytes`));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      cleanup();
      resolve(Buffer.concat(chunks, total));
    };
    const onError = (error: Error) => {
      cleanup();
      reject(new ServeError(ServeErrorCode.MalformedBody, `The request body could not be read. Received: ${error.message}`, { connection: "close" }));
    };
    const cleanup = () => {
      req.off("data", onData);
      req.off("end", onEnd);
      req.off("error", onError);
    };
    req.on("data", onData);
    req.on("end", onEnd);
    req.on("error", onError);
  });
}
