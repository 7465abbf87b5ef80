/**
 * Why this file exists: one place that reads a tracking URL and says which
 * database it names. `file:` URLs are SQLite files; `postgres://` and
 * `postgresql://` URLs are PostgreSQL, with Prisma's `?schema=` convention
 * supported (it becomes the connection's search_path).
 */
import { AelabError, ErrorCode, describeValue } from "@aelab/core";
import { resolve } from "node:path";

export type DatabaseProvider = "sqlite" | "postgres";

export const DEFAULT_DATABASE_URL = "file:./aelab.db";

export interface SqliteTarget {
  provider: "sqlite";
  /** Absolute path of the database file. */
  path: string;
}

export interface PostgresTarget {
  provider: "postgres";
  /** The URL without the `schema` parameter, as `pg` understands it. */
  connectionString: string;
  /** From `?schema=`, when given. */
  schema: string | undefined;
}

export type DatabaseTarget = SqliteTarget | PostgresTarget;

const SCHEMA_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

/** The URL to use: the explicit one, else `AELAB_DB`, else `file:./aelab.db`. */
export function resolveDatabaseUrl(url?: string): string {
  return url ?? process.env.AELAB_DB ?? DEFAULT_DATABASE_URL;
}

/** Absolute file path of a `file:` URL (relative paths resolve against the cwd). */
export function sqliteFilePath(url: string): string {
  const path = url.replace(/^file:(\/\/(?=\/))?/, "").split("?")[0] ?? "";
  if (path === "" || path === ":memory:") {
    throw new AelabError(
      ErrorCode.InvalidInput,
      `Expected a SQLite URL naming a file, e.g. file:./aelab.db (in-memory databases cannot be shared or migrated). Received: url=${describeValue(url)}`,
    );
  }
  return resolve(path);
}

export function parsePostgresUrl(url: string): PostgresTarget {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch (cause) {
    throw new AelabError(ErrorCode.InvalidInput, `Expected a valid PostgreSQL URL. Received: url=${redactUrl(url)}`, {
      cause,
    });
  }
  const schema = parsed.searchParams.get("schema") ?? undefined;
  if (schema !== undefined && !SCHEMA_NAME.test(schema)) {
    throw new AelabError(
      ErrorCode.InvalidInput,
      `Expected ?schema= to be a plain identifier (letters, digits, underscores). Received: schema=${describeValue(schema)}`,
    );
  }
  parsed.searchParams.delete("schema");
  return { provider: "postgres", connectionString: parsed.toString(), schema };
}

/** Classifies a tracking URL. Throws INVALID_INPUT for anything else. */
export function parseDatabaseUrl(url: string): DatabaseTarget {
  if (url.startsWith("file:")) return { provider: "sqlite", path: sqliteFilePath(url) };
  if (url.startsWith("postgres://") || url.startsWith("postgresql://")) return parsePostgresUrl(url);
  throw new AelabError(
    ErrorCode.InvalidInput,
    `Expected a tracking database URL starting with file:, postgres:// or postgresql://. Received: url=${redactUrl(url)}`,
  );
}

/** The URL with any password replaced, for error messages. */
export function redactUrl(url: string): string {
  return JSON.stringify(url.replace(/\/\/([^:/@]+):[^@]*@/, "//$1:***@"));
}

/** Pool settings for a PostgreSQL target: the schema, if any, becomes the search_path. */
export function postgresPoolConfig(target: PostgresTarget): {
  connectionString: string;
  options?: string;
} {
  return target.schema === undefined
    ? { connectionString: target.connectionString }
    : {
        connectionString: target.connectionString,
        options: `-c search_path=${target.schema}`,
      };
}
