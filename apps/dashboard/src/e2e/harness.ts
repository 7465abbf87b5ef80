/**
 * The one setup the browser tests share (seeding trains real models, so it runs
 * once): a temp SQLite store written by a real short sweep, the built app under
 * `next start`, and one headless Chromium page. The page records dialogs,
 * browser errors and any request that leaves the app's own origin.
 */
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";
import { findRepoRoot } from "~/env";
import { seedFixture, type Fixture } from "./fixture";
import { APP_DIR, startNextServer, type RunningServer } from "./next-server";

export const SCREENSHOTS = path.join(findRepoRoot(APP_DIR), "docs", "screenshots");

export interface E2E {
  dir: string;
  /** The tracking store URL (file:…). */
  db: string;
  fixture: Fixture;
  server: RunningServer;
  browser: Browser;
  page: Page;
  dialogs: string[];
  /** Uncaught page errors and console errors (hydration mismatches land here). */
  browserErrors: string[];
  /** Requests to anything but the app: the UI must work with no network. */
  externalRequests: string[];
}

export async function startE2E(): Promise<E2E> {
  const dir = mkdtempSync(path.join(tmpdir(), "aelab-dashboard-e2e-"));
  const db = `file:${path.join(dir, "e2e.db")}`;
  const fixture = await seedFixture(db, path.join(dir, "artifacts"));
  const server = await startNextServer({ env: { AELAB_DB: db } });
  const browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking"],
  });
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  const e2e: E2E = { dir, db, fixture, server, browser, page, dialogs: [], browserErrors: [], externalRequests: [] };
  page.on("dialog", (dialog) => {
    e2e.dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  page.on("pageerror", (error) => e2e.browserErrors.push(error.message));
  page.on("console", (message) => {
    if (message.type() === "error") e2e.browserErrors.push(message.text());
  });
  page.on("request", (request) => {
    if (!request.url().startsWith(server.url) && !request.url().startsWith("data:") && !request.url().startsWith("blob:"))
      e2e.externalRequests.push(request.url());
  });
  mkdirSync(SCREENSHOTS, { recursive: true });
  return e2e;
}

export async function stopE2E(e2e: E2E | undefined): Promise<void> {
  await e2e?.browser.close();
  await e2e?.server.stop();
  if (e2e?.dir) rmSync(e2e.dir, { recursive: true, force: true });
}

/** Waits for an ECharts chart to finish drawing and returns its series names. */
export async function chartSeries(page: Page, selector: string): Promise<string[]> {
  const chart = page.locator(`${selector}[data-ready="true"]`);
  await chart.waitFor({ timeout: 20_000 });
  return JSON.parse((await chart.getAttribute("data-series")) ?? "[]") as string[];
}

export async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(SCREENSHOTS, name), fullPage: true });
}
