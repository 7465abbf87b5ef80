/**
 * The optional bearer token (`--token` or `$AELAB_SERVE_TOKEN`). Tokens are
 * compared as SHA-256 digests with `timingSafeEqual`, so neither the content
 * nor the length of the expected token leaks through response times.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import { ServeError, ServeErrorCode } from "./http-errors.ts";

const digest = (s: string) => createHash("sha256").update(s, "utf8").digest();

/** Returns a check that throws a 401 `ServeError` (with `WWW-Authenticate: Bearer`) unless the header carries the token. */
export function bearerCheck(token: string): (authorization: string | undefined) => void {
  const expected = digest(token);
  return (authorization) => {
    const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(authorization ?? "");
    if (match && timingSafeEqual(digest(match[1]), expected)) return;
    const received =
      authorization === undefined
        ? "no Authorization header"
        : match
          ? "a bearer token that does not match"
          : `an Authorization header of scheme ${JSON.stringify(authorization.split(/\s/)[0].slice(0, 20))}`;
    const challenge = match ? 'Bearer realm="aelab", error="invalid_token"' : 'Bearer realm="aelab"';
    throw new ServeError(ServeErrorCode.Unauthorized, `This server needs its token: send the header "Authorization: Bearer <token>". Received: ${received}`, {
      "www-authenticate": challenge,
    });
  };
}
