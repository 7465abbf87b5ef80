/**
 * The dashboard's environment, validated once at start-up (see instrumentation.ts)
 * so a bad setting fails the server immediately instead of on the first request.
 */
import { existsSync } from "node:fs";
import path from "node:path";
import { AelabError, ErrorCode, describeValue } from "@aelab/core";
import { z } from "zod";

/** The monorepo root: the nearest ancestor of `from` holding nx.json, else `from`. */
export function findRepoRoot(from: string = process.cwd()): string {
  // turbopackIgnore: a runtime lookup, not a file the build should trace.
  let dir = path.resolve(/*turbopackIgnore: true*/ from);
  for (;;) {
    if (existsSync(path.join(dir, "nx.json"))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) return path.resolve(/*turbopackIgnore: true*/ from);
    dir = parent;
  }
}

/**
 * `next start` runs with apps/dashboard as its cwd, so a relative SQLite path is
 * resolved against the repo root instead: `file:./aelab.db` means the same file
 * to the dashboard as to the CLI run from the root.
 */
function absoluteDbUrl(url: string): string {
  if (!url.startsWith("file:")) return url;
  const rest = url.slice("file:".length);
  if (rest.startsWith("/")) return url;
  return `file:${path.join(/*turbopackIgnore: true*/ findRepoRoot(), rest)}`;
}

const envSchema = z.object({
  AELAB_DB: z
    .string()
    .trim()
    .regex(/^(file:|postgres(ql)?:\/\/)/, "must start with file: or postgresql://")
    .optional(),
  NODE_ENV: z.enum(["development", "test", "production"]).default("development"),
});

export interface DashboardEnv {
  /** Tracking store URL: `file:/abs/aelab.db` (SQLite, made absolute) or `postgresql://…`. */
  AELAB_DB: string;
  NODE_ENV: "development" | "test" | "production";
}

export function parseEnv(source: Record<string, string | undefined>): DashboardEnv {
  const parsed = envSchema.safeParse(source);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`).join("; ");
    throw new AelabError(ErrorCode.InvalidConfig, `Expected a valid dashboard environment (${issues}). Received: AELAB_DB=${describeValue(source.AELAB_DB)}`, {
      cause: parsed.error,
    });
  }
  return { AELAB_DB: absoluteDbUrl(parsed.data.AELAB_DB || "file:aelab.db"), NODE_ENV: parsed.data.NODE_ENV };
}

let cached: DashboardEnv | undefined;

/** The validated environment of this process (parsed on first use, then memoised). */
export function env(): DashboardEnv {
  cached ??= parseEnv(process.env);
  return cached;
}
