/**
 * The dashboard's one tracking-store connection. Memoised on globalThis so
 * Next's dev-mode module reloads do not open a new SQLite handle per edit.
 */
import { createTracker, type Tracker } from "@aelab/tracking";
import { env } from "~/env";

const holder = globalThis as typeof globalThis & { __aelabTracker?: Promise<Tracker> };

export function getTracker(): Promise<Tracker> {
  holder.__aelabTracker ??= Promise.resolve(createTracker({ url: env().AELAB_DB })).catch((error: unknown) => {
    // A failed open (missing file, bad URL) should be retried on the next request.
    holder.__aelabTracker = undefined;
    throw error;
  });
  return holder.__aelabTracker;
}
