/** What every command shares: output streams, the database URL, the artifacts folder, cancellation. */
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { AelabError, ErrorCode } from "@aelab/core";

export interface CliContext {
  out: (line: string) => void;
  err: (line: string) => void;
  db: string;
  artifactsDir: string;
  signal: AbortSignal;
}

export interface GlobalOptions {
  db?: string;
  artifacts?: string;
}

export function defaultDb(): string {
  return process.env.AELAB_DB ?? `file:${resolve("aelab.db")}`;
}

/** Normalises a `--db` value: a bare path becomes an absolute `file:` URL. */
export function normaliseDb(value: string | undefined): string {
  const v = value ?? defaultDb();
  if (/^(file:|postgres(ql)?:\/\/)/.test(v)) return v.startsWith("file:") ? `file:${resolve(v.slice(5))}` : v;
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(v)) {
    throw new AelabError(
      ErrorCode.InvalidInput,
      `--db must be a SQLite path, a file: URL or a postgresql:// URL. Received: ${JSON.stringify(v.replace(/\/\/[^@/]*@/, "//***@"))}`,
    );
  }
  return `file:${resolve(v)}`;
}

/** For read-only commands: a SQLite file that does not exist is a typo, not a new database. */
export function requireExistingDb(db: string): void {
  if (db.startsWith("file:") && !existsSync(db.slice(5))) {
    throw new AelabError(ErrorCode.NotFound, `No tracking database at ${db.slice(5)}; run a sweep or pass --db. Received: --db ${db}`);
  }
}
