/** `npm run seed` flags. Bad flags are refused, naming what was expected and what was received. */
import { parseArgs } from "node:util";
import { AelabError, ErrorCode, describeValue } from "@aelab/core";

export interface SeedOptions {
  db: string;
  runs: number;
  metrics: number;
  steps: number;
  /** Runs per sweep. */
  sweepSize: number;
  experiment: string;
  seed: number;
  /** `bulk` (SQLite bulk path) or `batch` (the tracker's logBatch, any database). */
  writer: "bulk" | "batch";
  help: boolean;
}

export const USAGE = `Usage: npm run seed -- --db file:/tmp/scale.db [flags]

  --db URL          tracking database (file: path or postgresql://); required
  --runs N          runs, 1-100000 (default 1000)
  --metrics N       curve metrics per run, 1-5: train_loss, val_loss, val_mse, val_bce, learning_rate (default 5)
  --steps N         steps per curve, 2-1000000 (default 5000)
  --sweep-size N    runs per sweep (default 100)
  --experiment NAME experiment name (default scale)
  --seed N          PRNG seed (default 1)
  --writer W        bulk (SQLite bulk path, default for file:) or batch (logBatch; default for PostgreSQL)
  --help            this text
`;

function int(name: string, text: string, min: number, max: number): number {
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < min || value > max) {
    throw new AelabError(ErrorCode.InvalidConfig, `Expected --${name} to be an integer in ${min}–${max}. Received: ${describeValue(text)}`);
  }
  return value;
}

export function parseSeedOptions(argv: string[]): SeedOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      db: { type: "string" },
      runs: { type: "string", default: "1000" },
      metrics: { type: "string", default: "5" },
      steps: { type: "string", default: "5000" },
      "sweep-size": { type: "string", default: "100" },
      experiment: { type: "string", default: "scale" },
      seed: { type: "string", default: "1" },
      writer: { type: "string" },
      help: { type: "boolean", default: false },
    },
    strict: true,
  });
  if (values.help) return { db: "", runs: 0, metrics: 0, steps: 0, sweepSize: 0, experiment: "", seed: 0, writer: "bulk", help: true };
  if (!values.db) throw new AelabError(ErrorCode.InvalidConfig, `Expected --db (a file: or postgresql:// URL). Received: nothing`);
  const writer = values.writer ?? (values.db.startsWith("postgres") ? "batch" : "bulk");
  if (writer !== "bulk" && writer !== "batch")
    throw new AelabError(ErrorCode.InvalidConfig, `Expected --writer bulk or batch. Received: ${describeValue(writer)}`);
  return {
    db: values.db,
    runs: int("runs", values.runs, 1, 100_000),
    metrics: int("metrics", values.metrics, 1, 5),
    steps: int("steps", values.steps, 2, 1_000_000),
    sweepSize: int("sweep-size", values["sweep-size"], 1, 100_000),
    experiment: values.experiment,
    seed: int("seed", values.seed, 0, 2 ** 31 - 1),
    writer,
    help: false,
  };
}
