/**
 * "Foreign load": CPU used by other processes while a repetition ran, in cores.
 * It is the machine's busy time from /proc/stat minus this process's own CPU
 * time, over the wall time (the research notes' method; the Python peer does
 * the same). On a system without /proc/stat it is null and reps count as clean.
 */
import { readFileSync } from "node:fs";

/** Kernel clock ticks per second of /proc/stat (USER_HZ, 100 on Linux x86). */
const USER_HZ = 100;

export interface CpuSnapshot {
  wallMs: number;
  /** Busy ticks of all CPUs (user, nice, system, irq, softirq), or null without /proc/stat. */
  busyTicks: number | null;
  /** This process's user + system CPU time, in microseconds. */
  ownMicros: number;
}

function busyTicks(): number | null {
  try {
    const line = readFileSync("/proc/stat", "utf8").split("\n", 1)[0];
    const [, user, nice, system, , , irq, softirq] = line.trim().split(/\s+/).map(Number);
    return user + nice + system + irq + softirq;
  } catch {
    return null;
  }
}

export function cpuSnapshot(): CpuSnapshot {
  const own = process.cpuUsage();
  return { wallMs: performance.now(), busyTicks: busyTicks(), ownMicros: own.user + own.system };
}

export interface CpuUse {
  /** Cores used by other processes (≥ 0), or null when unknown. */
  foreignLoad: number | null;
  /** Cores used by this process. */
  ownCpu: number;
}

export function cpuUseBetween(a: CpuSnapshot, b: CpuSnapshot): CpuUse {
  const seconds = Math.max((b.wallMs - a.wallMs) / 1000, 1e-6);
  const own = (b.ownMicros - a.ownMicros) / 1e6;
  const foreign = a.busyTicks === null || b.busyTicks === null ? null : Math.max(0, (b.busyTicks - a.busyTicks) / USER_HZ - own) / seconds;
  return { foreignLoad: foreign, ownCpu: own / seconds };
}

/** A rep is "clean" when other processes used less than this many cores during it. */
export const CLEAN_LOAD = 0.25;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Before each rep, waits up to `perRepSeconds` for the foreign load to fall
 * below `CLEAN_LOAD`, polling every 0.25 s; stops waiting for good once the
 * waits add up to `budgetSeconds`, so a busy machine cannot stretch a run.
 */
export class QuietWaiter {
  spentSeconds = 0;

  constructor(
    readonly perRepSeconds: number,
    readonly budgetSeconds: number,
  ) {}

  get remainingSeconds(): number {
    return Math.max(0, this.budgetSeconds - this.spentSeconds);
  }

  /** Records waiting done elsewhere (the Python peer) against the budget. */
  charge(seconds: number): void {
    this.spentSeconds += seconds;
  }

  async wait(): Promise<void> {
    const limit = Math.min(this.perRepSeconds, this.remainingSeconds);
    if (limit <= 0) return;
    const t0 = performance.now();
    for (;;) {
      const a = cpuSnapshot();
      await sleep(250);
      const { foreignLoad } = cpuUseBetween(a, cpuSnapshot());
      const waited = (performance.now() - t0) / 1000;
      if (foreignLoad === null || foreignLoad < CLEAN_LOAD || waited >= limit) {
        this.spentSeconds += waited;
        return;
      }
    }
  }
}

/** Foreign load over a short window, for the report's "load at start". */
export async function sampleForeignLoad(seconds: number): Promise<number | null> {
  const a = cpuSnapshot();
  await sleep(seconds * 1000);
  return cpuUseBetween(a, cpuSnapshot()).foreignLoad;
}
