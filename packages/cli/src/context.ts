/** What every command shares: output streams, the database URL, the artifacts folder, cancellation. */
import { resolve } from "node:path";

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
  return `file:${resolve(v)}`;
}
