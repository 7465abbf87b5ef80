/**
 * The intra-op thread count of the node entry when the caller gives none:
 * `AELAB_ORT_THREADS`, else every core Node reports (ONNX Runtime's own
 * default is the physical core count; an explicit number is what info() and
 * the run record show).
 */
import { AelabError, ErrorCode } from "@aelab/core";

/** Environment variable that sets onnxruntime-node's intra-op threads. */
export const ORT_THREADS_ENV = "AELAB_ORT_THREADS";

/** Throws INVALID_CONFIG for a value that is not an integer in 1..256. */
export function ortThreadsWanted(value: string | undefined, cores: number): number {
  if (value === undefined || value.trim() === "") return Math.max(1, Math.min(cores, 256));
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 256) {
    throw new AelabError(ErrorCode.InvalidConfig, `${ORT_THREADS_ENV} must be an integer from 1 to 256. Received: ${JSON.stringify(value)}`);
  }
  return n;
}
