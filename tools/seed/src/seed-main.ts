/** `npm run seed -- --db file:/tmp/scale.db --runs 1000 --metrics 5 --steps 5000`: see seed-options.ts. */
import { isAelabError } from "@aelab/core";
import { seedDatabase } from "./seed-database";
import { parseSeedOptions, USAGE } from "./seed-options";

try {
  const options = parseSeedOptions(process.argv.slice(2));
  if (options.help) {
    process.stdout.write(USAGE);
  } else {
    process.stdout.write(`Seeding ${options.db}: ${options.runs} runs × ${options.metrics} metrics × ${options.steps} steps (${options.writer} writer)\n`);
    const report = await seedDatabase(options, (line) => process.stdout.write(`  ${line}\n`));
    const rate = report.points / report.pointSeconds;
    process.stdout.write(
      `Done: ${report.runs} runs in ${report.sweeps} sweeps (${Object.entries(report.byStatus)
        .map(([status, n]) => `${n} ${status}`)
        .join(", ")}), ${report.points.toLocaleString("en")} curve points.\n` +
        `Total ${report.seconds.toFixed(1)} s; curve points ${report.pointSeconds.toFixed(1)} s (${Math.round(rate).toLocaleString("en")} points/s).\n`,
    );
  }
} catch (error) {
  process.stderr.write(`${isAelabError(error) ? error.message : error instanceof Error ? (error.stack ?? error.message) : String(error)}\n${USAGE}`);
  process.exitCode = 2;
}
