/**
 * Batched metric writes: the process's single writer queue in front of a
 * tracker. `log()` only buffers; one write at a time flushes everything
 * buffered, as one `logBatch` transaction per run (split every `maxBatch`
 * points), every `flushIntervalMs` or as soon as `maxPoints` are waiting. So a
 * trainer logging every step costs one short transaction per interval instead
 * of one per point, and several processes on one SQLite file take the write
 * lock a few times a second each rather than thousands of times.
 */
import type { MetricInput, Tracker } from "./tracker.ts";
import { invalid, requireInt, requireMetric, requireText } from "./internal/validate.ts";

export interface MetricWriterOptions {
  /** How long a point may wait before it is written; default 250 ms. */
  flushIntervalMs?: number;
  /** Write at once when this many points are waiting; default 5,000. */
  maxPoints?: number;
  /** Points per `logBatch` transaction; default 5,000. */
  maxBatch?: number;
}

/**
 * @example
 * ```ts
 * const writer = new MetricWriter(tracker);
 * for (let step = 0; step < 10_000; step++) writer.log(run.id, [{ key: "loss", value: losses[step], step }]);
 * await writer.close(); // everything logged is in the database
 * ```
 */
export class MetricWriter {
  readonly #tracker: Tracker;
  readonly #flushIntervalMs: number;
  readonly #maxPoints: number;
  readonly #maxBatch: number;
  #buffer = new Map<string, MetricInput[]>();
  #waiting = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #chain: Promise<void> = Promise.resolve();
  #failure: unknown;
  #closed = false;

  constructor(tracker: Tracker, options: MetricWriterOptions = {}) {
    this.#tracker = tracker;
    this.#flushIntervalMs = requireInt("flushIntervalMs", options.flushIntervalMs ?? 250, 1);
    this.#maxPoints = requireInt("maxPoints", options.maxPoints ?? 5000, 1);
    this.#maxBatch = requireInt("maxBatch", options.maxBatch ?? 5000, 1);
  }

  /** Points buffered and not yet written. */
  get pending(): number {
    return this.#waiting;
  }

  /** Buffers points of a run (checked now, written soon). Throws the last write failure, if any. */
  log(runId: string, metrics: MetricInput[]): void {
    if (this.#closed) throw invalid("an open MetricWriter (close() was called)", "runId", runId);
    this.#throwFailure();
    requireText("runId", runId);
    if (!Array.isArray(metrics)) throw invalid("`metrics` to be an array", "metrics", metrics);
    metrics.forEach((m, i) => requireMetric(m, i));
    let list = this.#buffer.get(runId);
    if (list === undefined) this.#buffer.set(runId, (list = []));
    // Wall time is when the point was logged, not when it was written.
    const now = new Date();
    for (const m of metrics) list.push(m.wallTime === undefined ? { ...m, wallTime: now } : m);
    this.#waiting += metrics.length;
    if (this.#waiting >= this.#maxPoints) this.#schedule(0);
    else if (this.#timer === undefined) this.#schedule(this.#flushIntervalMs);
  }

  /** Writes everything buffered so far; rejects with the write failure, if one happened. */
  async flush(): Promise<void> {
    this.#clearTimer();
    this.#chain = this.#chain.then(() => this.#drain());
    await this.#chain;
    this.#throwFailure();
  }

  /** Flushes and stops; later `log` calls are refused. */
  async close(): Promise<void> {
    this.#closed = true;
    await this.flush();
  }

  #schedule(delayMs: number): void {
    this.#clearTimer();
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#chain = this.#chain.then(() => this.#drain());
    }, delayMs);
    // A process must not stay alive for a pending flush: close() writes what is left.
    this.#timer.unref?.();
  }

  #clearTimer(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #throwFailure(): void {
    if (this.#failure === undefined) return;
    const failure = this.#failure;
    this.#failure = undefined;
    throw failure;
  }

  async #drain(): Promise<void> {
    while (this.#buffer.size > 0 && this.#failure === undefined) {
      const [runId, points] = this.#buffer.entries().next().value as [string, MetricInput[]];
      const batch = points.splice(0, this.#maxBatch);
      if (points.length === 0) this.#buffer.delete(runId);
      try {
        await this.#tracker.logBatch(runId, { metrics: batch });
        this.#waiting -= batch.length;
      } catch (error) {
        // Keep the points, in order, for the next flush; report the failure once.
        const rest = this.#buffer.get(runId) ?? [];
        this.#buffer.delete(runId);
        this.#buffer = new Map([[runId, [...batch, ...rest]], ...this.#buffer]);
        this.#failure = error;
      }
    }
  }
}
