/**
 * The Markdown report: samples/s, ratio to PyTorch and fraction of the
 * measured sgemm peak, per preset and system, plus what the figures rest on.
 */
import { CLEAN_LOAD } from "./cpu-load.ts";
import type { FlopCount } from "./flops.ts";
import type { MachineFacts } from "./machine.ts";
import { INFERENCE_ONLY, type SystemResult } from "./measure-backend.ts";
import type { Measurement, Workload } from "./reps.ts";
import type { PeerReport } from "./torch-peer.ts";

export interface BenchReport {
  date: string;
  command: string;
  machine: MachineFacts;
  foreignLoadAtStart: number | null;
  reps: number;
  flops: Record<string, FlopCount>;
  peer: PeerReport;
  results: SystemResult[];
  /** Systems that could not run at all, with the reason. */
  skipped: { system: string; reason: string }[];
  seconds: number;
}

const COLUMNS: readonly { workload: Workload; title: string; flops: (f: FlopCount) => number }[] = [
  { workload: "train", title: "train b128", flops: (f) => f.train },
  { workload: "encodeB1", title: "encode b1", flops: (f) => f.encoder },
  { workload: "encodeB256", title: "encode b256", flops: (f) => f.encoder },
  { workload: "fullB1", title: "full b1", flops: (f) => f.full },
  { workload: "fullB256", title: "full b256", flops: (f) => f.full },
];

const fmt = (v: number, digits = 3) => (v >= 100 ? Math.round(v).toLocaleString("en-US") : Number(v.toPrecision(digits)).toString());
const find = (r: SystemResult | undefined, w: Workload): Measurement | undefined => r?.measurements.find((m) => m.workload === w);

interface ExtraColumn {
  title: string;
  value(r: SystemResult): string;
}

type Cell = (r: SystemResult, m: Measurement, c: (typeof COLUMNS)[number]) => string;

function table(report: BenchReport, cell: Cell, extras: readonly ExtraColumn[] = []): string {
  const head = ["preset", "system", ...COLUMNS.map((c) => c.title), ...extras.map((e) => e.title)];
  const lines = [`| ${head.join(" | ")} |`, `|${head.map((_, i) => (i < 2 ? "---" : "---:")).join("|")}|`];
  for (const r of report.results) {
    const cells = COLUMNS.map((c) => {
      const m = find(r, c.workload);
      if (m) return cell(r, m, c);
      return c.workload === "train" && r.notes.includes(INFERENCE_ONLY) ? "inference only" : "–";
    });
    lines.push(`| ${[r.preset, r.system, ...cells, ...extras.map((e) => e.value(r))].join(" | ")} |`);
  }
  return lines.join("\n");
}

function loadRange(r: SystemResult): string {
  const loads = r.measurements.map((m) => m.foreignLoad).filter((v): v is number => v !== null);
  if (loads.length === 0) return "–";
  return `${Math.min(...loads).toFixed(2)}–${Math.max(...loads).toFixed(2)}`;
}

function trainSteps(r: SystemResult): string {
  const m = find(r, "train");
  return m?.stepsPerRep === undefined ? "–" : String(m.stepsPerRep);
}

function throughputTable(report: BenchReport): string {
  return table(report, (_r, m) => `${fmt(m.median)}${m.contended ? "*" : ""}`, [
    { title: "train steps/rep", value: trainSteps },
    { title: "foreign load", value: loadRange },
  ]);
}

function ratioTable(report: BenchReport): string {
  const torch = (preset: string) => report.results.find((r) => r.system === "pytorch" && r.preset === preset);
  return table(report, (r, m, c) => {
    const ref = find(torch(r.preset), c.workload);
    return ref ? `${fmt(m.median / ref.median, 2)}×` : "–";
  });
}

function peakTable(report: BenchReport, peak: number): string {
  return table(report, (r, m, c) => {
    const gflops = (m.median * c.flops(report.flops[r.preset])) / 1e9;
    return `${fmt((100 * gflops) / peak, 2)}% (${fmt(gflops)})`;
  });
}

function peakLine(peer: PeerReport): string {
  const p = peer.peak;
  if (!p) return `Peak: not measured (${peer.peakError ?? "no Python peer"}); the fraction-of-peak table is left out.`;
  const blas = peer.openblas?.core ? `; the system libblas.so.3 is OpenBLAS with ${peer.openblas.core} kernels, ${peer.openblas.threads ?? "?"} threads` : "";
  const values = p.reps.map((r) => r.gflops);
  const loads = p.reps.map((r) => r.foreignLoad ?? 0);
  const clean = loads.some((l) => l < CLEAN_LOAD) ? "" : " No rep was clean, so the peak is understated and the fractions below overstated.";
  return `Peak: ${p.n}³ float32 sgemm (${p.library}${blas}), best of ${p.reps.length}: **${fmt(p.gflops)} GFLOP/s** (reps ${fmt(Math.min(...values))}–${fmt(Math.max(...values))}, foreign load ${Math.min(...loads).toFixed(2)}–${Math.max(...loads).toFixed(2)} core).${clean}`;
}

function envLine(peer: PeerReport): string {
  const set = Object.entries(peer.unsetEnv).filter(([, v]) => v !== undefined);
  const names = Object.keys(peer.unsetEnv).join(" and ");
  return set.length === 0
    ? `${names} were not set in this environment.`
    : `${names} removed from the Python process only (here: ${set.map(([k, v]) => `${k}=${v}`).join(", ")}).`;
}

function systemsList(report: BenchReport): string[] {
  const seen = new Map<string, string>();
  for (const r of report.results) seen.set(r.system, r.detail);
  const lines = [...seen].map(([name, detail]) => `- ${name}: ${detail}`);
  const notes = report.results.flatMap((r) => r.notes.filter((n) => n !== INFERENCE_ONLY).map((n) => `- ${r.system} ${r.preset}: ${n}`));
  const skipped = report.skipped.map((s) => `- ${s.system}: not measured: ${s.reason}`);
  return [...lines, ...notes, ...skipped];
}

function header(report: BenchReport): string[] {
  const m = report.machine;
  const load = report.foreignLoadAtStart === null ? "unknown" : `${report.foreignLoadAtStart.toFixed(2)} core`;
  const flops = Object.entries(report.flops).map(
    ([name, f]) => `${name} ${fmt(f.full / 1e6)} MFLOP forward (encoder ${fmt(f.encoder / 1e6)}, training ≈${fmt(f.train / 1e6)})`,
  );
  return [
    `## aelab bench, ${report.date}`,
    "",
    `\`${report.command}\`: ${fmt(report.seconds)} s.`,
    `Machine: ${m.cpu}, ${m.cpus} CPUs (${m.simd.join(", ") || "no SIMD flags read"}), ${m.memoryGiB} GiB, Node ${m.node}, ${m.platform}. Other processes' load at start: ${load}.`,
    "Data: the 10,000 MNIST digits of `loadMnist`, shuffled with seed 12345, the same float32 file for every system; training cycles through its 78 full batches of 128, inference uses held-out rows from 9,000 on.",
    `Protocol: Adam (lr 1e-3, ε 1e-7), the loss read back every step, 3 warm-up steps, then ${report.reps} rep${report.reps === 1 ? "" : "s"} of a fixed number of steps; inference reps run ≥0.6 s of calls after ≥0.3 s of warm-up. Each figure is the median over clean reps (other processes < 0.25 core) when ≥3 were clean, otherwise over all reps and marked *.`,
    `FLOPs per sample (dense, conv and transposed-conv MACs × 2): ${flops.join("; ")}.`,
    peakLine(report.peer),
    `PyTorch peer: ${report.peer.torch ? `torch ${report.peer.torch} on Python ${report.peer.python ?? "?"}. ${envLine(report.peer)}` : `**not measured**: ${report.peer.torchError ?? "unknown reason"}. Ratios to PyTorch are left out.`}`,
    "",
    "Systems:",
    ...systemsList(report),
  ];
}

export function formatReport(report: BenchReport): string {
  const out = [...header(report), "", "### Throughput (samples/s)", "", throughputTable(report)];
  if (report.peer.torch) out.push("", "### Ratio to PyTorch (same preset and workload; >1 is faster)", "", ratioTable(report));
  if (report.peer.peak) out.push("", "### Fraction of the sgemm peak (achieved GFLOP/s)", "", peakTable(report, report.peer.peak.gflops));
  return `${out.join("\n")}\n`;
}
