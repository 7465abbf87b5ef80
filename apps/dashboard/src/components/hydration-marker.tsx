"use client";
/**
 * Marks the document once React has hydrated: `data-hydrated="true"` and
 * `data-hydrated-at` (ms since navigation start) on <html>. The e2e test and
 * the scale measurement (tools/seed) read it as "the page is interactive".
 */
import { useEffect } from "react";

export function HydrationMarker() {
  useEffect(() => {
    const root = document.documentElement;
    root.dataset.hydratedAt = String(Math.round(performance.now()));
    root.dataset.hydrated = "true";
  }, []);
  return null;
}
