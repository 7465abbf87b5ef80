/**
 * How a local worker process tells the sweep's process what it is doing: its
 * reporter events as JSON lines on stdout (one object per line, `type` first).
 * The parent renders them as that worker's progress, and learns which run a
 * worker is in, so it can end that run crashed at once if the worker dies.
 */
import type { Reporter } from "@aelab/training";

type Events = Required<Pick<Reporter, "runStart" | "batch" | "epoch" | "runEnd" | "info">>;
export type WorkerEvent = { [K in keyof Events]: { type: K; event: Parameters<Events[K]>[0] } }[keyof Events];

const BATCH_EVERY_MS = 250;

/** A reporter that writes every event as a JSON line (batches at most every 250 ms). */
export function jsonLineReporter(write: (line: string) => void): Reporter {
  let lastBatch = 0;
  const send = (e: WorkerEvent) => write(`${JSON.stringify(e)}\n`);
  return {
    runStart: (event) => send({ type: "runStart", event }),
    batch: (event) => {
      const now = Date.now();
      if (now - lastBatch < BATCH_EVERY_MS && event.batch !== event.batches) return;
      lastBatch = now;
      send({ type: "batch", event });
    },
    epoch: (event) => send({ type: "epoch", event }),
    runEnd: (event) => send({ type: "runEnd", event }),
    info: (event) => send({ type: "info", event }),
  };
}

/** Parses one line; anything that is not an event comes back as an `info` line. */
export function parseWorkerEvent(line: string): WorkerEvent {
  try {
    const value = JSON.parse(line) as WorkerEvent;
    if (value && typeof value === "object" && typeof value.type === "string" && "event" in value) return value;
  } catch {
    // Not JSON: a stray line from a library; show it as it is.
  }
  return { type: "info", event: line };
}

/** Forwards a parsed event to a reporter. */
export function dispatchWorkerEvent(e: WorkerEvent, reporter: Reporter): void {
  switch (e.type) {
    case "runStart":
      return reporter.runStart?.(e.event);
    case "batch":
      return reporter.batch?.(e.event);
    case "epoch":
      return reporter.epoch?.(e.event);
    case "runEnd":
      return reporter.runEnd?.(e.event);
    case "info":
      return reporter.info?.(e.event);
    default: {
      const unknown: never = e;
      return unknown;
    }
  }
}
