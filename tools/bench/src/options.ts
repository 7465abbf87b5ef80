/**
 * The bench's command-line flags. Every bad flag is refused with what was
 * expected and what was received, before anything is measured.
 */
import { parseArgs } from "node:util";
import { AelabError, ErrorCode, describeValue } from "@aelab/core";

/** Presets the PyTorch peer can build exactly (no noise, penalties or VAE heads). */
export const BENCH_PRESETS = ["dense", "deep-dense", "conv", "seed-conv"] as const;
export const BENCH_BACKENDS = ["tfjs-wasm", "tfjs-cpu", "tfjs-node", "onnxruntime", "onnxruntime-web", "pytorch"] as const;

/** Training steps per rep: every system but tfjs-cpu, and tfjs-cpu. */
export const DEFAULT_TRAIN_STEPS: Record<string, { steps: number; cpuSteps: number }> = {
  dense: { steps: 234, cpuSteps: 20 },
  "deep-dense": { steps: 78, cpuSteps: 10 },
  conv: { steps: 20, cpuSteps: 2 },
  "seed-conv": { steps: 20, cpuSteps: 2 },
};

export interface BenchOptions {
  presets: string[];
  backends: string[];
  reps: number;
  /** Overrides of the default steps per rep; undefined keeps `DEFAULT_TRAIN_STEPS`. */
  trainSteps?: number;
  cpuTrainSteps?: number;
  quietWait: number;
  python: string;
  json?: string;
  help: boolean;
}

export const USAGE = `Usage: npm run bench -- [flags]

  --presets LIST         comma-separated, from ${BENCH_PRESETS.join(", ")} (default dense,seed-conv)
  --backends LIST        comma-separated, from ${BENCH_BACKENDS.join(", ")}
                         (default tfjs-wasm,tfjs-cpu,onnxruntime,onnxruntime-web,pytorch)
  --reps N               timed repetitions per measurement, 1-50 (default 5)
  --train-steps N        training steps per rep, all systems but tfjs-cpu (default: dense 234, conv presets 20)
  --cpu-train-steps N    training steps per rep on tfjs-cpu (default: dense 20, conv presets 2)
  --quiet-wait S         before each rep wait up to S seconds (0-60) for other processes' load
                         to fall below 0.25 core; waits stop after 120 s in all (default 2)
  --python PATH          interpreter for the PyTorch peer and the sgemm peak (default /usr/bin/python3)
  --json FILE            also write every rep, the machine facts and the peak as JSON
  --help                 this text
`;

const FLAGS = {
  presets: { type: "string", default: "dense,seed-conv" },
  backends: { type: "string", default: "tfjs-wasm,tfjs-cpu,onnxruntime,onnxruntime-web,pytorch" },
  reps: { type: "string", default: "5" },
  "train-steps": { type: "string" },
  "cpu-train-steps": { type: "string" },
  "quiet-wait": { type: "string", default: "2" },
  python: { type: "string", default: "/usr/bin/python3" },
  json: { type: "string" },
  help: { type: "boolean", default: false },
} as const;

function invalid(message: string, received: string): never {
  throw new AelabError(ErrorCode.InvalidConfig, `${message}. Received: ${received}`);
}

function list(flag: string, value: string, allowed: readonly string[]): string[] {
  const items = value.split(",").map((s) => s.trim());
  if (items.some((s) => s === "")) invalid(`--${flag} takes a comma-separated list with no empty entries`, `--${flag} ${describeValue(value)}`);
  const unknown = items.filter((s) => !allowed.includes(s));
  if (unknown.length > 0)
    invalid(`--${flag} entries must be among ${allowed.join(", ")}`, `--${flag} ${describeValue(value)} (unknown: ${unknown.join(", ")})`);
  return [...new Set(items)];
}

function number(flag: string, value: string, min: number, max: number, integer: boolean): number {
  const n = Number(value);
  const ok = value.trim() !== "" && Number.isFinite(n) && n >= min && n <= max && (!integer || Number.isInteger(n));
  if (!ok) invalid(`--${flag} must be ${integer ? "an integer" : "a number"} from ${min} to ${max}`, `--${flag} ${describeValue(value)}`);
  return n;
}

function parse(argv: string[]) {
  try {
    return parseArgs({ args: argv, options: FLAGS, strict: true, allowPositionals: false }).values;
  } catch (error) {
    const code = (error as { code?: string }).code;
    const message = (error as Error).message;
    if (code === "ERR_PARSE_ARGS_UNKNOWN_OPTION") {
      invalid(
        `Unknown flag; the flags are ${Object.keys(FLAGS)
          .map((f) => `--${f}`)
          .join(", ")}`,
        message.match(/'([^']+)'/)?.[1] ?? argv.join(" "),
      );
    }
    if (code === "ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL")
      invalid("The bench takes flags only, no positional arguments", message.match(/'([^']+)'/)?.[1] ?? argv.join(" "));
    return invalid(`Bad flags (${message.split(".")[0]})`, argv.join(" "));
  }
}

export function parseBenchOptions(argv: string[]): BenchOptions {
  const v = parse(argv);
  const optional = (flag: "train-steps" | "cpu-train-steps") => {
    const value = v[flag];
    return value === undefined ? undefined : number(flag, value, 1, 100_000, true);
  };
  if (v.json !== undefined && v.json.trim() === "") invalid("--json needs a file path", '--json ""');
  if (v.python.trim() === "") invalid("--python needs an interpreter path", '--python ""');
  return {
    presets: list("presets", v.presets, BENCH_PRESETS),
    backends: list("backends", v.backends, BENCH_BACKENDS),
    reps: number("reps", v.reps, 1, 50, true),
    trainSteps: optional("train-steps"),
    cpuTrainSteps: optional("cpu-train-steps"),
    quietWait: number("quiet-wait", v["quiet-wait"], 0, 60, false),
    python: v.python,
    ...(v.json === undefined ? {} : { json: v.json }),
    help: v.help,
  };
}
