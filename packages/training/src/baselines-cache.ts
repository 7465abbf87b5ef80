/**
 * Baselines on disk, so the worker processes of one sweep compute them once
 * instead of once each: the fitted PCA (`pca.f64`, seconds of work on MNIST;
 * float64, so a loaded model gives bit-identical baselines) and the values per
 * code size (`pcaMse-<k>.json`, `probe-<k>.json`: PCA validation MSE and PCA
 * linear-probe accuracy, up to ten seconds each at large k). Files are written
 * to a temporary name and renamed, so a reader never sees half a file.
 * `computeOnce` takes a lock file per value,
 * so workers needing the same value wait for one of them instead of all
 * computing it.
 */
import { closeSync, mkdirSync, openSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync, writeSync } from "node:fs";
import { hostname } from "node:os";
import { dirname, join } from "node:path";
import type { PcaModel } from "./pca.ts";

const MAGIC = 0x41455043; // "AEPC"

export function writePcaFile(path: string, model: PcaModel): void {
  const d = model.dimension;
  const k = model.components.length;
  const values = new Float64Array(3 + d + k + k * d);
  values.set([MAGIC, d, k]);
  values.set(model.mean, 3);
  values.set(model.variances, 3 + d);
  model.components.forEach((c, i) => values.set(c, 3 + d + k + i * d));
  writeAtomically(path, new Uint8Array(values.buffer));
}

function writeAtomically(path: string, bytes: Uint8Array | string): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, bytes);
  renameSync(tmp, path);
}

/** The model in `path` if it is a PCA file of this input dimension, else undefined. */
export function readPcaFile(path: string, dimension: number): PcaModel | undefined {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch {
    return undefined;
  }
  if (bytes.byteLength % 8 !== 0 || bytes.byteLength < 24) return undefined;
  const values = new Float64Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  const [magic, d, k] = values;
  if (magic !== MAGIC || d !== dimension || values.length !== 3 + d + k + k * d) return undefined;
  return {
    dimension: d,
    mean: values.slice(3, 3 + d),
    variances: values.slice(3 + d, 3 + d + k),
    components: Array.from({ length: k }, (_, i) => values.slice(3 + d + k + i * d, 3 + d + k + (i + 1) * d)),
  };
}

export type BaselineKind = "pcaMse" | "probe";

/** A stored value per code size: undefined when none is stored; a probe accuracy is null where there is none (no labels, k too large). */
export function readBaselineValue(dir: string, kind: BaselineKind, k: number): number | null | undefined {
  try {
    return JSON.parse(readFileSync(join(dir, `${kind}-${k}.json`), "utf8")) as number | null;
  } catch {
    return undefined;
  }
}

/** One file per value, so writers of different values never race. */
export function saveBaselineValue(dir: string, kind: BaselineKind, k: number, value: number | null): void {
  writeAtomically(join(dir, `${kind}-${k}.json`), JSON.stringify(value));
}

/** Where a sweep's workers share its baselines: under the artifacts folder, per sweep (one split per sweep). */
export function sweepBaselinesDir(artifactsDir: string, sweepId: string): string {
  return join(artifactsDir, "sweeps", sweepId, "baselines");
}

/** A lock older than this is taken to belong to a process that died (on another machine). */
const STALE_LOCK_MS = 10 * 60_000;

/** Whether the lock's holder is gone: a dead process on this machine, or a lock older than STALE_LOCK_MS. */
function abandoned(lockPath: string): boolean {
  const [host, pid] = readFileSync(lockPath, "utf8").split(" ");
  if (host === hostname() && Number(pid) > 0) {
    try {
      process.kill(Number(pid), 0);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ESRCH") return true;
    }
  }
  return Date.now() - statSync(lockPath).mtimeMs > STALE_LOCK_MS;
}
const waitCell = new Int32Array(new SharedArrayBuffer(4));

/**
 * The value `read` finds, or computes it under the lock file `lockPath` (created
 * exclusively): a process that finds the lock taken waits for the holder's
 * value. The wait blocks, so callers hold no run whose heartbeat could go stale.
 */
export function computeOnce<T>(lockPath: string, read: () => T | undefined, compute: () => T): T {
  mkdirSync(dirname(lockPath), { recursive: true });
  for (;;) {
    const found = read();
    if (found !== undefined) return found;
    let fd: number | undefined;
    try {
      fd = openSync(lockPath, "wx");
    } catch {
      fd = undefined;
    }
    if (fd !== undefined) {
      try {
        writeSync(fd, `${hostname()} ${process.pid}`);
        const again = read();
        return again !== undefined ? again : compute();
      } finally {
        closeSync(fd);
        unlinkSync(lockPath);
      }
    }
    try {
      if (abandoned(lockPath)) unlinkSync(lockPath);
    } catch {
      // Released meanwhile: read again.
    }
    Atomics.wait(waitCell, 0, 0, 200);
  }
}
