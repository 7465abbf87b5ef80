/**
 * Screenshots the built dashboard over an existing tracking database, for the
 * README: `AELAB_DB=file:/abs/aelab.db npx tsx scripts/screenshot-db.ts <out-dir>`.
 * (The e2e test takes its own screenshots on the runs it trains.)
 */
import { mkdirSync } from "node:fs";
import path from "node:path";
import { chromium } from "playwright-core";
import { startNextServer } from "../src/e2e/next-server.ts";

const db = process.env.AELAB_DB;
const out = path.resolve(process.argv[2] ?? "screenshots");
if (!db) throw new Error("Set AELAB_DB to the database to show. Received: nothing");
mkdirSync(out, { recursive: true });
const server = await startNextServer({ env: { AELAB_DB: db } });
const browser = await chromium.launch({
  executablePath: "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking"],
});
try {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  await page.goto(`${server.url}/compare`);
  await page.locator('[data-testid="compare-chart"][data-ready="true"]').waitFor({ timeout: 30_000 });
  await page.screenshot({ path: path.join(out, "demo-compare.png"), fullPage: true });
  await page.goto(`${server.url}/`);
  await page.getByTestId("runs-table").waitFor();
  await page.screenshot({ path: path.join(out, "demo-runs.png"), fullPage: true });
} finally {
  await browser.close();
  await server.stop();
}
