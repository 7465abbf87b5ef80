/**
 * Heartbeat and staleness periods of tracked runs. The defaults suit real
 * training (a heartbeat every 30 s, crashed after 5 min of silence);
 * AELAB_HEARTBEAT_MS and AELAB_STALE_RUN_MS shorten them, e.g. for tests that
 * kill a worker and wait for its trial to be retried.
 */
import { AelabError, ErrorCode } from "@aelab/core";
import { HEARTBEAT_MS, STALE_RUN_MS } from "@aelab/training";

function envMs(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 10)
    throw new AelabError(ErrorCode.InvalidInput, `${name} must be a whole number of milliseconds, at least 10. Received: ${JSON.stringify(raw)}`);
  return n;
}

export function runTiming(): { heartbeatMs: number; staleRunMs: number } {
  const heartbeatMs = envMs("AELAB_HEARTBEAT_MS", HEARTBEAT_MS);
  const staleRunMs = envMs("AELAB_STALE_RUN_MS", STALE_RUN_MS);
  if (staleRunMs <= 2 * heartbeatMs) {
    throw new AelabError(
      ErrorCode.InvalidInput,
      `AELAB_STALE_RUN_MS must be more than twice AELAB_HEARTBEAT_MS, or live runs would be marked crashed. Received: ${staleRunMs} and ${heartbeatMs}`,
    );
  }
  return { heartbeatMs, staleRunMs };
}
