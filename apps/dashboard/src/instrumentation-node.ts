/**
 * Start-up check: validate the environment and exit on a bad one, rather than
 * serve 500s until someone reads the log.
 */
import { env } from "./env";

export function validateEnvOrExit(): void {
  try {
    env();
  } catch (error) {
    // eslint-disable-next-line no-console
    console.error(`aelab dashboard: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
}
