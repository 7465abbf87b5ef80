/**
 * The `aelab` command line. It owns the terminal: packages report through
 * events, and errors map to exit codes in one place (exit-codes.ts).
 */
import { Command, CommanderError, InvalidArgumentError, Option } from "commander";
import { resolve } from "node:path";
import { dashboardCommand } from "./commands/dashboard.ts";
import { dbMigrateCommand } from "./commands/db.ts";
import { exportCommand } from "./commands/export.ts";
import { runsCommand } from "./commands/runs.ts";
import { SERVE_DEFAULT_PORT, serveCommand } from "./commands/serve.ts";
import { sweepCommand } from "./commands/sweep.ts";
import { trainCommand } from "./commands/train.ts";
import { workerCommand } from "./commands/worker.ts";
import { normaliseDb, type CliContext, type GlobalOptions } from "./context.ts";
import { EXIT, exitCodeFor } from "./exit-codes.ts";

function positiveInt(name: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`${name} must be a positive integer. Received: ${JSON.stringify(value)}`);
    return n;
  };
}

export async function main(argv: string[]): Promise<number> {
  const controller = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => {
    if (controller.signal.aborted) process.exit(130);
    process.stderr.write(`\nReceived ${signal}: stopping (a run in progress is recorded as failed; send it again to quit now)…\n`);
    controller.abort(`interrupted by ${signal}`);
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  // `aelab runs | head`: the reader left, so there is nobody to write to; stop quietly, as Unix tools do.
  process.stdout.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code === "EPIPE") process.exit(0);
    throw error;
  });
  let code: number = EXIT.ok;
  const program = new Command("aelab")
    .description("Train, track, compare and export autoencoders.")
    .option("--db <url>", "tracking database: a SQLite file path / file: URL, or postgres:// URL (default $AELAB_DB or ./aelab.db)")
    .option("--artifacts <dir>", "where run weights are stored", "aelab-artifacts")
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s), writeOut: (s) => process.stdout.write(s) });

  const ctx = (): CliContext => {
    const g = program.opts<GlobalOptions>();
    return {
      out: (line) => process.stdout.write(`${line}\n`),
      err: (line) => process.stderr.write(`${line}\n`),
      db: normaliseDb(g.db),
      artifactsDir: resolve(g.artifacts ?? "aelab-artifacts"),
      signal: controller.signal,
    };
  };

  program
    .command("train")
    .description("train one model from a run file (YAML or JSON)")
    .argument("<file>", "run file: model (preset or full spec), training, data")
    .option("--backend <name>", "backend: auto, onnxruntime, tfjs-wasm, tfjs-cpu, tfjs-node")
    .option("--epochs <n>", "override training.epochs", positiveInt("--epochs"))
    .action(async (file: string, flags) => {
      code = await trainCommand(file, flags, ctx());
    });
  program
    .command("sweep")
    .description("run a sweep (grid, random or TPE), print the comparison and export the best encoder to ONNX")
    .argument("[file]", "sweep file (YAML or JSON)")
    .option("--resume <sweep>", "continue a recorded sweep: run its missing trials, retry crashed ones, restore the sampler")
    .option("--workers <n>", "worker processes on this machine (default: the file's parallelism)", positiveInt("--workers"))
    .option("--backend <name>", "override the backend of every trial")
    .option("--no-export", "skip exporting the best run")
    .option("--out <dir>", "folder for the exported ONNX files", "artifacts/onnx")
    .option("--job-timeout <seconds>", "PostgreSQL: seconds before pg-boss retries a trial job still active (default 21600)", positiveInt("--job-timeout"))
    .action(async (file: string | undefined, flags) => {
      code = await sweepCommand(file, flags, ctx());
    });
  program
    .command("worker")
    .description("run sweep trials from the pg-boss queue of a PostgreSQL tracking database (--db postgresql://…)")
    .addOption(new Option("--local <sweep>", "claim this sweep's trials from the tracker (started by aelab sweep)").hideHelp())
    .action(async (flags) => {
      code = await workerCommand(flags, ctx());
    });
  program
    .command("runs")
    .description("list recorded runs")
    .option("--experiment <name>", "only this experiment")
    .option("--sweep <id>", "only this sweep")
    .option("--status <list>", "comma-separated statuses")
    .option("--limit <n>", "how many", positiveInt("--limit"), 50)
    .option("--json", "print JSON")
    .action(async (flags) => {
      code = await runsCommand(flags, ctx());
    });
  program
    .command("export")
    .description("export a run's encoder, decoder or full model to ONNX (checked for parity with ONNX Runtime)")
    .argument("<run>", "run id")
    .addOption(new Option("--part <part...>", "encoder, decoder and/or full").default(["encoder"]))
    .option("--out <path>", "a .onnx file (one part) or a folder")
    .option("--layout <layout>", "image I/O layout: nhwc (as trained) or nchw (channels first)", "nhwc")
    .option("--allow-mismatch", "write the files even if parity exceeds 1e-4")
    .action(async (runId: string, flags) => {
      code = await exportCommand(runId, flags, ctx());
    });
  program
    .command("dashboard")
    .description("serve the dashboard on 127.0.0.1")
    .option("--port <n>", "port", positiveInt("--port"), 3000)
    .option("--host <host>", "interface to bind", "127.0.0.1")
    .option("--rebuild", "rebuild the app first")
    .action(async (flags) => {
      code = await dashboardCommand(flags, ctx());
    });
  program
    .command("serve")
    .description("serve exported ONNX parts of one model over HTTP (encode, decode, reconstruct, score)")
    .argument("<files...>", ".onnx files from `aelab export` (encoder, decoder, full), or a folder of them")
    .option("--host <host>", "interface to bind", "127.0.0.1")
    .option("--port <n>", "port (0: any free port)", SERVE_DEFAULT_PORT)
    .option("--threads <n>", "intra-op threads per ONNX Runtime session (default: one per core)")
    .option("--max-batch <n>", "most samples per request (default 1024)")
    .option("--max-body-bytes <n>", "largest request body (default 16777216)")
    .option("--max-inflight <n>", "most inference requests in progress; more get 503 (default 64)")
    .option("--token <token>", "require Authorization: Bearer <token> (default $AELAB_SERVE_TOKEN)")
    .option("--no-self-test", "start even if a file's stored self-test fails")
    .option("--log", "log one line per request to stderr")
    .action(async (files: string[], flags) => {
      code = await serveCommand(files, flags, ctx());
    });
  const db = program.command("db").description("database maintenance");
  db.command("migrate")
    .description("apply the tracking schema migrations")
    .action(async () => {
      code = await dbMigrateCommand(ctx());
    });

  try {
    await program.parseAsync(argv);
    return code;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT.ok : EXIT.badInput;
    process.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
    return exitCodeFor(error);
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }
}
