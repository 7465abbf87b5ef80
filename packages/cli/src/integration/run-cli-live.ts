/**
 * The real `aelab` binary in a child process that a test can watch line by line
 * and kill at a chosen moment (mid-run, mid-trial), for crash and resume tests.
 */
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { createInterface } from "node:readline";
import { BIN, type CliResult } from "./run-cli.ts";

export interface LiveCli {
  child: ChildProcessWithoutNullStreams;
  /** Resolves with the first stdout or stderr line matching `pattern`. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  /** Resolves when the process exits. */
  exited: Promise<CliResult>;
}

export function startCli(args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv }): LiveCli {
  const child = spawn(process.execPath, [BIN, ...args], { cwd: options.cwd, env: { ...process.env, CI: "true", ...options.env } });
  let stdout = "";
  let stderr = "";
  const lines: string[] = [];
  const waiters = new Set<{ pattern: RegExp; resolve: (m: RegExpMatchArray) => void }>();
  const onLine = (line: string) => {
    lines.push(line);
    for (const w of waiters) {
      const m = line.match(w.pattern);
      if (m) {
        waiters.delete(w);
        w.resolve(m);
      }
    }
  };
  child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  createInterface({ input: child.stdout }).on("line", onLine);
  createInterface({ input: child.stderr }).on("line", onLine);
  const exited = new Promise<CliResult>((resolve) => child.on("exit", (code) => resolve({ code, stdout, stderr })));
  return {
    child,
    exited,
    waitFor(pattern, timeoutMs = 120_000) {
      const seen = lines.map((l) => l.match(pattern)).find((m) => m !== null);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const waiter = { pattern, resolve: (m: RegExpMatchArray) => (clearTimeout(timer), resolve(m)) };
        const timer = setTimeout(() => {
          waiters.delete(waiter);
          reject(new Error(`no line matched ${pattern} within ${timeoutMs} ms; output so far:\n${stdout}\n${stderr}`));
        }, timeoutMs);
        waiters.add(waiter);
        void exited.then(() => {
          if (waiters.delete(waiter)) {
            clearTimeout(timer);
            reject(new Error(`the process exited before a line matched ${pattern}:\n${stdout}\n${stderr}`));
          }
        });
      });
    },
  };
}
