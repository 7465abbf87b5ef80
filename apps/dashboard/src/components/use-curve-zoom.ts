"use client";
/**
 * The run page's zoom: a step window shared by both charts, kept in the URL
 * (`?from=&to=`), and the finer points of that window fetched from the server
 * (metrics.curves with from/to) and merged into the full-range curves.
 */
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { usePathname, useSearchParams } from "next/navigation";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { mergeWindow, parseWindow, stepExtent, type Curve, type StepWindow } from "~/lib/curves";
import { useTRPC } from "~/trpc/react";
import type { ZoomWindow } from "./echart";

const ZOOM_DEBOUNCE_MS = 250;

export function useCurveZoom(runId: string, keys: string[], coarse: Curve[]) {
  const trpc = useTRPC();
  const params = useSearchParams();
  const pathname = usePathname();
  const [zoom, setZoom] = useState<StepWindow | null>(() => parseWindow(params.get("from"), params.get("to")));
  const extent = useMemo(() => stepExtent(coarse.filter((c) => keys.includes(c.key))), [coarse, keys]);
  const fine = useQuery(
    trpc.metrics.curves.queryOptions({ runId, keys, from: zoom?.from, to: zoom?.to }, { enabled: zoom !== null, placeholderData: keepPreviousData }),
  );
  // The last window whose fine points arrived (a placeholder still belongs to the previous window).
  const [loaded, setLoaded] = useState<{ window: StepWindow; curves: Curve[] } | null>(null);
  useEffect(() => {
    if (zoom && fine.data && !fine.isPlaceholderData) setLoaded({ window: zoom, curves: fine.data });
  }, [zoom, fine.data, fine.isPlaceholderData]);

  const curves = useMemo(() => {
    if (!zoom || !loaded) return coarse;
    const { window, curves: fineCurves } = loaded;
    return coarse.map((c) =>
      keys.includes(c.key)
        ? mergeWindow(
            c,
            fineCurves.find((f) => f.key === c.key),
            window.from,
            window.to,
          )
        : c,
    );
  }, [coarse, zoom, loaded, keys]);

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

  const fineReady = zoom === null || (loaded !== null && loaded.window.from === zoom.from && loaded.window.to === zoom.to);
  return { zoom, extent, curves, onZoom, fineReady };
}
