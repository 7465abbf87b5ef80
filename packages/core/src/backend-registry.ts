/**
 * Resolves backends by name with fallback, in the manner of onnxruntime-common:
 * one memoised `init()` per backend, failures remembered, and one combined error
 * naming why each candidate failed.
 */
import type { Backend } from "./backend.ts";
import type { AutoencoderSpec } from "./spec.ts";
import { AelabError, ErrorCode } from "./errors.ts";

interface Entry {
  backend: Backend;
  priority: number;
  init?: Promise<void>;
  error?: unknown;
}

export interface ResolveOptions {
  /** Only backends that can do this for `spec` are candidates. */
  purpose?: "infer" | "train";
  spec?: AutoencoderSpec;
}

export class BackendRegistry {
  private readonly entries = new Map<string, Entry>();

  /** Registers a backend; a negative priority keeps it out of `auto` fallback. */
  register(backend: Backend, options: { priority?: number } = {}): void {
    if (this.entries.has(backend.name)) {
      throw new AelabError(ErrorCode.InvalidConfig, `A backend named "${backend.name}" is already registered. Received: duplicate registration`);
    }
    this.entries.set(backend.name, { backend, priority: options.priority ?? 0 });
  }

  names(): string[] {
    return this.sorted().map((e) => e.backend.name);
  }

  has(name: string): boolean {
    return this.entries.has(name);
  }

  /**
   * Resolves `hint` ("auto", a name, or a list of names tried in order) to an
   * initialised backend that can serve `options.purpose` for `options.spec`.
   */
  async resolve(hint: string | readonly string[] = "auto", options: ResolveOptions = {}): Promise<Backend> {
    const names = this.candidates(hint);
    const failures: string[] = [];
    for (const name of names) {
      const entry = this.entries.get(name);
      if (!entry) {
        failures.push(`[${name}] not registered (registered: ${this.names().join(", ") || "none"})`);
        continue;
      }
      if (options.purpose === "train" && !entry.backend.createTrainer) {
        failures.push(`[${name}] cannot train (inference only)`);
        continue;
      }
      try {
        await this.initialise(entry);
      } catch (error) {
        failures.push(`[${name}] ${error instanceof Error ? error.message : String(error)}`);
        continue;
      }
      if (options.spec) {
        const report = entry.backend.supports(options.spec, options.purpose ?? "infer");
        if (!report.ok) {
          failures.push(`[${name}] cannot ${options.purpose ?? "infer"} this model: ${report.missing.join("; ")}`);
          continue;
        }
      }
      return entry.backend;
    }
    throw new AelabError(
      ErrorCode.BackendUnavailable,
      `No available backend for ${JSON.stringify(hint)}${options.purpose ? ` (${options.purpose})` : ""}. ${failures.join(" ")}`,
      { details: { failures } },
    );
  }

  private candidates(hint: string | readonly string[]): string[] {
    const list = typeof hint === "string" ? [hint] : [...hint];
    return list.flatMap((h) =>
      h === "auto"
        ? this.sorted()
            .filter((e) => e.priority >= 0)
            .map((e) => e.backend.name)
        : [h],
    );
  }

  private sorted(): Entry[] {
    return [...this.entries.values()].sort((a, b) => b.priority - a.priority);
  }

  private initialise(entry: Entry): Promise<void> {
    if (entry.error !== undefined) return Promise.reject(entry.error);
    entry.init ??= entry.backend.init().catch((error: unknown) => {
      entry.error = error;
      throw error;
    });
    return entry.init;
  }
}
