/**
 * One measured page load in a fresh browser context (empty cache):
 * time-to-interactive = when React hydrated (`data-hydrated-at` on <html>) and
 * every chart finished its first draw (`data-ready-at`), in ms since navigation
 * start; and the decoded size of every response, grouped by kind.
 */
import type { Browser, Response } from "playwright-core";

export interface PageMeasure {
  tti: number;
  hydratedAt: number;
  chartsReadyAt: number | null;
  charts: number;
  /** The HTML document (it carries the server-rendered RSC payload). */
  documentBytes: number;
  /** Every /api/trpc response, in order. */
  trpc: Array<{ path: string; bytes: number }>;
  /** Client navigations' RSC payloads (`?_rsc=`). */
  rscBytes: number;
  /** JavaScript and CSS (cached after the first visit in a real browser). */
  staticBytes: number;
}

async function size(response: Response): Promise<number> {
  try {
    return (await response.body()).length;
  } catch {
    return 0;
  }
}

export async function measurePage(browser: Browser, url: string, extraReady?: string): Promise<PageMeasure> {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  const page = await context.newPage();
  const pending: Array<Promise<void>> = [];
  const measure: PageMeasure = { tti: 0, hydratedAt: 0, chartsReadyAt: null, charts: 0, documentBytes: 0, trpc: [], rscBytes: 0, staticBytes: 0 };
  page.on("response", (response) => {
    pending.push(
      size(response).then((bytes) => {
        const u = new URL(response.url());
        if (u.pathname.startsWith("/api/trpc/")) measure.trpc.push({ path: u.pathname.slice("/api/trpc/".length), bytes });
        else if (u.searchParams.has("_rsc")) measure.rscBytes += bytes;
        else if (u.pathname.startsWith("/_next/")) measure.staticBytes += bytes;
        else if (response.request().resourceType() === "document") measure.documentBytes += bytes;
      }),
    );
  });
  try {
    await page.goto(url, { waitUntil: "commit", timeout: 60_000 });
    await page.waitForFunction(
      (extra) =>
        document.documentElement?.dataset.hydrated === "true" &&
        Array.from(document.querySelectorAll<HTMLElement>("[data-ready]")).every((chart) => chart.dataset.readyAt !== undefined) &&
        (extra === undefined || document.querySelector(extra) !== null),
      extraReady,
      { timeout: 60_000, polling: 20 },
    );
    const marks = await page.evaluate(() => ({
      hydratedAt: Number(document.documentElement.dataset.hydratedAt),
      charts: Array.from(document.querySelectorAll<HTMLElement>("[data-ready-at]")).map((chart) => Number(chart.dataset.readyAt)),
      now: Math.round(performance.now()),
    }));
    measure.hydratedAt = marks.hydratedAt;
    measure.charts = marks.charts.length;
    measure.chartsReadyAt = marks.charts.length ? Math.max(...marks.charts) : null;
    // With an extra condition (a zoomed window's fine points), interactive is when it held.
    measure.tti = extraReady ? marks.now : Math.max(marks.hydratedAt, measure.chartsReadyAt ?? 0);
    await page.waitForLoadState("networkidle", { timeout: 30_000 }).catch(() => undefined);
    await Promise.all(pending);
  } finally {
    await context.close();
  }
  return measure;
}
