/**
 * The dashboard's tracking-store connections: the tracker, and the read-only
 * query handle (downsampled curves, facets) opened after it, so the database is
 * already migrated. Memoised on globalThis so Next's dev-mode module reloads do
 * not open a new SQLite handle per edit.
 */
import { createTracker, openTrackingQueries, type Tracker, type TrackingQueries } from "@aelab/tracking";
import { env } from "~/env";

const holder = globalThis as typeof globalThis & { __aelabTracker?: Promise<Tracker>; __aelabQueries?: Promise<TrackingQueries> };

export function getTracker(): Promise<Tracker> {
  holder.__aelabTracker ??= Promise.resolve(createTracker({ url: env().AELAB_DB })).catch((error: unknown) => {
    // A failed open (missing file, bad URL) should be retried on the next request.
    holder.__aelabTracker = undefined;
    throw error;
  });
  return holder.__aelabTracker;
}

export function getQueries(): Promise<TrackingQueries> {
  holder.__aelabQueries ??= getTracker()
    .then(() => openTrackingQueries({ url: env().AELAB_DB }))
    .catch((error: unknown) => {
      holder.__aelabQueries = undefined;
      throw error;
    });
  return holder.__aelabQueries;
}
