/** What machine the figures come from, read cheaply from the OS. */
import { readFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";

export interface MachineFacts {
  cpu: string;
  cpus: number;
  simd: string[];
  memoryGiB: number;
  node: string;
  platform: string;
}

function cpuFlags(): string[] {
  try {
    const line = readFileSync("/proc/cpuinfo", "utf8")
      .split("\n")
      .find((l) => l.startsWith("flags"));
    const flags = new Set(line?.split(":")[1]?.trim().split(/\s+/) ?? []);
    return ["avx2", "fma", "avx512f"].filter((f) => flags.has(f));
  } catch {
    return [];
  }
}

export function machineFacts(): MachineFacts {
  const list = cpus();
  return {
    cpu: list[0]?.model.trim() ?? "unknown",
    cpus: list.length,
    simd: cpuFlags(),
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
  };
}
