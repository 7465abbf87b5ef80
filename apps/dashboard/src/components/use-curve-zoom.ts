"use client";
/**
 * Zooming curves: a step window kept in the URL (`?from=&to=`), set by the
 * charts' dataZoom after a short debounce, and the finer points of that window
 * fetched from the server and merged into the full-range downsampled curves.
 * The run page (metrics.curves, its keys) and the compare page's overlay
 * (metrics.overlay, its runs) use the same window logic.
 */
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { usePathname, useSearchParams } from "next/navigation";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { mergeWindow, parseWindow, stepExtent, type Curve, type StepWindow } from "~/lib/curves";
import { useTRPC } from "~/trpc/react";
import type { ZoomWindow } from "./echart";

const ZOOM_DEBOUNCE_MS = 250;

/** The zoom window (null: everything) shared with the URL, and the handler for the charts' dataZoom events. */
function useStepWindow(extent: StepWindow | null) {
  const params = useSearchParams();
  const pathname = usePathname();
  const [zoom, setZoom] = useState<StepWindow | null>(() => parseWindow(params.get("from"), params.get("to")));
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  useEffect(() => () => clearTimeout(timer.current), []);
  const onZoom = useCallback(
    ({ start, end }: ZoomWindow) => {
      clearTimeout(timer.current);
      timer.current = setTimeout(() => {
        const full = extent === null || (start <= extent.from && end >= extent.to);
        const next = full ? null : { from: Math.floor(start), to: Math.ceil(end) };
        setZoom((previous) => (previous?.from === next?.from && previous?.to === next?.to ? previous : next));
        const query = new URLSearchParams(params.toString());
        query.delete("from");
        query.delete("to");
        if (next) {
          query.set("from", String(next.from));
          query.set("to", String(next.to));
        }
        const text = query.toString();
        window.history.replaceState(null, "", text ? `${pathname}?${text}` : pathname);
      }, ZOOM_DEBOUNCE_MS);
    },
    [extent, params, pathname],
  );
  return { zoom, onZoom };
}

/** The coarse curves with the fine points of the last loaded window merged in (matched by run and key). */
function useMerged(coarse: Curve[], zoom: StepWindow | null, fine: { data: Curve[] | undefined; isPlaceholderData: boolean }) {
  // The last window whose fine points arrived (a placeholder still belongs to the previous window).
  const [loaded, setLoaded] = useState<{ window: StepWindow; curves: Curve[] } | null>(null);
  useEffect(() => {
    if (zoom && fine.data && !fine.isPlaceholderData) setLoaded({ window: zoom, curves: fine.data });
  }, [zoom, fine.data, fine.isPlaceholderData]);
  const curves = useMemo(() => {
    if (!zoom || !loaded) return coarse;
    const { window, curves: fineCurves } = loaded;
    const match = (c: Curve) => fineCurves.find((f) => f.runId === c.runId && f.key === c.key);
    return coarse.map((c) => (fineCurves.some((f) => f.key === c.key) ? mergeWindow(c, match(c), window.from, window.to) : c));
  }, [coarse, zoom, loaded]);
  const fineReady = zoom === null || (loaded !== null && loaded.window.from === zoom.from && loaded.window.to === zoom.to);
  return { curves, fineReady };
}

/** The run page: `keys` of one run are refetched for the window; other keys (the PCA baseline) stay as they are. */
export function useCurveZoom(runId: string, keys: string[], coarse: Curve[]) {
  const trpc = useTRPC();
  const extent = useMemo(() => stepExtent(coarse.filter((c) => keys.includes(c.key))), [coarse, keys]);
  const { zoom, onZoom } = useStepWindow(extent);
  const fine = useQuery(
    trpc.metrics.curves.queryOptions({ runId, keys, from: zoom?.from, to: zoom?.to }, { enabled: zoom !== null, placeholderData: keepPreviousData }),
  );
  return { zoom, extent, onZoom, ...useMerged(coarse, zoom, fine) };
}

/** The compare page's overlay: one key of many runs, refetched for the window with the overlay's per-series budget. */
export function useOverlayZoom(runIds: string[], key: string, coarse: Curve[]) {
  const trpc = useTRPC();
  const extent = useMemo(() => stepExtent(coarse), [coarse]);
  const { zoom, onZoom } = useStepWindow(extent);
  const fine = useQuery(
    trpc.metrics.overlay.queryOptions({ runIds, keys: [key], from: zoom?.from, to: zoom?.to }, { enabled: zoom !== null, placeholderData: keepPreviousData }),
  );
  return { zoom, extent, onZoom, ...useMerged(coarse, zoom, fine) };
}
