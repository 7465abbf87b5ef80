import { migrateDatabase } from "@aelab/tracking";
import type { CliContext } from "../context.ts";
import { EXIT } from "../exit-codes.ts";

export async function dbMigrateCommand(ctx: CliContext): Promise<number> {
  const applied = await migrateDatabase(ctx.db);
  ctx.out(applied.length ? `Applied ${applied.length} migration(s) to ${ctx.db}: ${applied.join(", ")}` : `${ctx.db} is up to date.`);
  return EXIT.ok;
}
