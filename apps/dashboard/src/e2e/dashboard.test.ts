/**
 * End to end: seed a temp SQLite store with a real short sweep, start the
 * built app with `next start`, and drive headless Chromium through the runs,
 * compare, run and playground pages (harness.ts holds the shared setup).
 */
import { createTracker } from "@aelab/tracking";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FIXTURE_EXPERIMENT, XSS_RUN_NAME } from "./fixture";
import { chartSeries as chartSeriesOf, screenshot, startE2E, stopE2E, type E2E } from "./harness";
import { playgroundTests } from "./playground.e2e";

let e2e: E2E;
const ctx = () => e2e;

beforeAll(async () => {
  e2e = await startE2E();
}, 240_000);

afterAll(async () => {
  await stopE2E(e2e);
});

const chartSeries = (selector: string) => chartSeriesOf(e2e.page, selector);

describe("dashboard in Chromium", () => {
  let page: E2E["page"];
  let server: E2E["server"];
  let db: string;
  beforeAll(() => {
    ({ page, server, db } = e2e);
  });

  it("lists the runs in the runs table", async () => {
    await page.goto(`${server.url}/`);
    await page.getByTestId("runs-table").waitFor();
    const names = await page.getByTestId("run-link").allTextContents();
    expect(names).toEqual(expect.arrayContaining(["dense-h2", "dense-h16", "dense-h32", "conv-h2", "conv-h16", "conv-h32", XSS_RUN_NAME]));
    expect(await page.getByTestId("run-row").count()).toBe(7);
    // Real training on real digits: every run shows a finite best val_mse below the mean-image level.
    const tracker = await createTracker({ url: db });
    try {
      const { runs } = await tracker.listRuns({ experimentName: FIXTURE_EXPERIMENT, limit: 100 });
      expect(runs.every((r) => r.status === "finished" && r.backend === "tfjs-wasm")).toBe(true);
      for (const r of runs) expect(r.summary.val_mse.min).toBeLessThan(r.summary.mean_image_val_mse.latest * 1.2);
    } finally {
      await tracker.close();
    }
    await screenshot(page, "runs.png");
  });

  it("returns the trained runs from a tRPC query over HTTP", async () => {
    const input = encodeURIComponent(JSON.stringify({ json: { experimentName: FIXTURE_EXPERIMENT, limit: 50 } }));
    const response = await fetch(`${server.url}/api/trpc/runs.list?input=${input}`);
    expect(response.status).toBe(200);
    const body = (await response.json()) as {
      result: { data: { json: { total: number; runs: { name: string; status: string; summary: Record<string, { min: number }> }[] } } };
    };
    const { total, runs } = body.result.data.json;
    expect(total).toBe(7);
    expect(runs.map((r) => r.name).sort()).toEqual([XSS_RUN_NAME, "conv-h16", "conv-h2", "conv-h32", "dense-h16", "dense-h2", "dense-h32"].sort());
    for (const r of runs) {
      expect(r.status).toBe("finished");
      expect(r.summary.val_mse.min).toBeGreaterThan(0);
      expect(r.summary.val_mse.min).toBeLessThan(0.1);
    }
  });

  it("filters and sorts through URL search params", async () => {
    await page.goto(`${server.url}/?arch=conv&sort=hiddenSize`);
    expect(await page.getByTestId("run-link").allTextContents()).toEqual(["conv-h2", "conv-h16", "conv-h32"]);
    await page.goto(`${server.url}/?arch=conv&hidden=16&experiment=${encodeURIComponent(FIXTURE_EXPERIMENT)}`);
    expect(await page.getByTestId("run-link").allTextContents()).toEqual(["conv-h16"]);
    await page.goto(`${server.url}/?status=failed`);
    await page.getByTestId("runs-empty").waitFor();
  });

  it("sends a page number past the end to the last page", async () => {
    const response = await page.goto(`${server.url}/?page=999999999`);
    expect(response?.status()).toBe(200);
    expect(new URL(page.url()).searchParams.get("page")).toBeNull();
    expect(await page.getByTestId("run-row").count()).toBe(7);
  });

  it("applies filters from the form into the URL", async () => {
    await page.goto(`${server.url}/`);
    await page.locator('input[name="arch"][value="dense"]').check();
    await page.locator('input[name="hidden"][value="32"]').check();
    await Promise.all([page.waitForURL(/arch=dense/), page.getByTestId("apply-filters").click()]);
    expect(new URL(page.url()).searchParams.getAll("hidden")).toEqual(["32"]);
    expect(await page.getByTestId("run-link").allTextContents()).toEqual(["dense-h32"]);
  });

  it("draws one compare series per architecture plus the PCA baseline", async () => {
    await page.goto(`${server.url}/compare`);
    const series = await chartSeries('[data-testid="compare-chart"]');
    expect([...series].sort()).toEqual(["PCA", "conv", "dense"]);
    expect(await page.getByTestId("compare-row").count()).toBe(3);
    // The PCA line is drawn dashed.
    expect(await page.locator('[data-testid="compare-chart"] svg path[stroke-dasharray]').count()).toBeGreaterThan(0);
    await screenshot(page, "compare.png");
  });

  it("shows a run's loss curves, params, spec and artifacts", async () => {
    await page.goto(`${server.url}/?arch=dense&hidden=32`);
    await Promise.all([page.waitForURL(/\/runs\//), page.getByTestId("run-link").first().click()]);
    expect(await page.getByTestId("run-name").textContent()).toBe("dense-h32");
    expect(await chartSeries('[data-testid="loss-chart"]')).toEqual(["train_loss", "val_loss"]);
    expect(await chartSeries('[data-testid="mse-chart"]')).toEqual(["val_mse", "PCA"]);
    expect(await page.getByTestId("run-params").textContent()).toContain("batchSize");
    expect(await page.getByTestId("run-spec").textContent()).toContain('"architecture": "dense"');
    // The weights and the evaluation the trainer recorded, and the ONNX files if this is the exported best run.
    const kinds = await page.locator('[data-testid="artifact-row"] td:first-child').allTextContents();
    const exported = (await page.getByTestId("run-page").getAttribute("data-run-id")) === e2e.fixture.exportedRunId;
    expect(kinds.sort()).toEqual(exported ? ["evaluation", "onnx-decoder", "onnx-encoder", "onnx-full", "weights"] : ["evaluation", "weights"]);
  });

  it("shows the best run's reconstructions, error histogram, code scatter, probe accuracy and ONNX downloads", async () => {
    const runId = e2e.fixture.exportedRunId;
    const tracker = await createTracker({ url: db });
    const run = await tracker.getRun(runId);
    await tracker.close();
    if (!run) throw new Error("no exported run");
    await page.goto(`${server.url}/runs/${runId}`);

    // Two validation digits per label, 10 labels: 20 original/reconstruction pairs, drawn on the server as PNGs.
    const grid = page.getByTestId("reconstruction-grid");
    expect(await grid.getAttribute("data-pairs")).toBe("20");
    expect(await grid.getByTestId("reconstruction-pair").count()).toBe(20);
    expect(await grid.locator(":scope > *").count()).toBe(20);
    // Ink in every image: each decoded PNG drawn on a canvas has a positive pixel sum.
    const sums = await grid.locator("img").evaluateAll(async (images) => {
      const canvas = document.createElement("canvas");
      const context = canvas.getContext("2d", { willReadFrequently: true });
      if (!context) throw new Error("no 2-d canvas context");
      return Promise.all(
        (images as HTMLImageElement[]).map(async (image) => {
          await image.decode();
          [canvas.width, canvas.height] = [image.naturalWidth, image.naturalHeight];
          context.drawImage(image, 0, 0);
          const { data } = context.getImageData(0, 0, canvas.width, canvas.height);
          let sum = 0;
          for (let i = 0; i < data.length; i += 4) sum += data[i];
          return { width: image.naturalWidth, sum };
        }),
      );
    });
    expect(sums).toHaveLength(40);
    for (const { width, sum } of sums) {
      expect(width).toBe(28);
      expect(sum).toBeGreaterThan(0);
    }

    // The histogram's 40 bins and the scatter's validation codes, read back from the ECharts instances.
    const drawn = async (testId: string) => {
      const chart = page.locator(`[data-testid="${testId}"][data-ready="true"]`);
      await chart.waitFor({ timeout: 20_000 });
      return Number(await chart.getAttribute("data-points"));
    };
    expect(await drawn("error-histogram")).toBe(40);
    expect(await drawn("run-code-scatter")).toBeGreaterThan(0);
    expect([...(await chartSeries('[data-testid="run-code-scatter"]'))].sort()).toEqual(["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"]);
    const projection = page.getByTestId("code-projection");
    expect(await projection.getAttribute("data-projection")).toBe(run.hiddenSize !== null && run.hiddenSize > 2 ? "pca" : "identity");
    if (run.hiddenSize !== null && run.hiddenSize > 2) expect(await projection.textContent()).toMatch(/PC1 explains \d+\.\d% and PC2 \d+\.\d%/);

    const probe = Number(await page.getByTestId("probe-accuracy").getAttribute("data-value"));
    expect(probe).toBeGreaterThan(0.1);
    expect(probe).toBeLessThanOrEqual(1);
    expect(await page.getByTestId("probe-accuracy").textContent()).toBe(`${(100 * probe).toFixed(1)}%`);

    // One download per exported part, each with its parity figure (the export's gate is 1e-4).
    expect(await page.getByTestId("onnx-row").evaluateAll((rows) => rows.map((row) => row.getAttribute("data-part")))).toEqual(["encoder", "decoder", "full"]);
    for (const text of await page.getByTestId("onnx-parity").allTextContents()) expect(Number(text)).toBeLessThanOrEqual(1e-4);
    for (const href of await page.getByTestId("onnx-download").evaluateAll((links) => links.map((link) => link.getAttribute("href")))) {
      const response = await fetch(`${server.url}${href}`);
      expect(response.status).toBe(200);
      expect(response.headers.get("content-disposition")).toMatch(/\.onnx"$/);
      const body = Buffer.from(await response.arrayBuffer());
      // An ONNX ModelProto opens with field 1 (ir_version, a varint) and carries the run id in its metadata.
      expect(body[0]).toBe(0x08);
      expect(body.length).toBeGreaterThan(1000);
      expect(body.includes(Buffer.from(runId))).toBe(true);
    }
    expect(await page.getByTestId("playground-link-model").getAttribute("href")).toBe(`/playground?run=${runId}`);
    // The grid is in the server's HTML (no JavaScript needed): 40 inline PNGs.
    const html = await (await fetch(`${server.url}/runs/${runId}`)).text();
    expect(html).toContain('data-testid="reconstruction-grid"');
    expect(html.match(/src="data:image\/png;base64,/g)).toHaveLength(40);
    await screenshot(page, "run.png");
  });

  it("renders a hostile run name as text, never as HTML", async () => {
    await page.goto(`${server.url}/`);
    const link = page.getByTestId("run-link").filter({ hasText: XSS_RUN_NAME });
    expect(await link.count()).toBe(1);
    await Promise.all([page.waitForURL(/\/runs\//), link.click()]);
    expect(await page.getByTestId("run-name").textContent()).toBe(XSS_RUN_NAME);
    await page.getByTestId("loss-chart").waitFor();
    await page.goto(`${server.url}/compare`);
    await chartSeries('[data-testid="compare-chart"]');
    expect(await page.locator('img[src="x"]').count()).toBe(0);
    expect(e2e.dialogs).toEqual([]);
  });

  it("follows a live run over the tRPC route until it finishes", async () => {
    const tracker = await createTracker({ url: db });
    try {
      const run = await tracker.startRun({ experimentName: FIXTURE_EXPERIMENT, name: "live-run", architecture: "dense", hiddenSize: 8, spec: {} });
      const epoch = (n: number) =>
        tracker.logMetrics(run.id, [
          { key: "train_loss", value: 0.1 / n, step: n, epoch: n },
          { key: "val_loss", value: 0.12 / n, step: n, epoch: n },
        ]);
      await epoch(1);
      await page.goto(`${server.url}/runs/${run.id}`);
      await page.locator('[data-testid="run-curves"][data-live="true"][data-epochs="1"]').waitFor();
      // No evaluation artifact and no export yet: each section says so.
      expect(await page.getByTestId("no-evaluation").count()).toBe(3);
      expect(await page.getByTestId("no-probe").count()).toBe(1);
      expect(await page.getByTestId("no-export").textContent()).toContain(`aelab export ${run.id}`);
      await epoch(2);
      await epoch(3);
      await page.locator('[data-testid="run-curves"][data-epochs="3"]').waitFor({ timeout: 20_000 });
      await tracker.endRun(run.id, { status: "finished" });
      await page.locator('[data-testid="run-curves"][data-live="false"]').waitFor({ timeout: 20_000 });
      await page.locator('h1 [data-testid="status-badge"][data-status="finished"]').waitFor({ timeout: 10_000 });
    } finally {
      await tracker.close();
    }
  });

  it("refreshes the runs page while a run is live: status and best val_mse update without a reload", async () => {
    const tracker = await createTracker({ url: db });
    try {
      const run = await tracker.startRun({ experimentName: "e2e-live", name: "live-row", architecture: "dense", hiddenSize: 4, spec: {} });
      await tracker.logMetrics(run.id, [{ key: "val_mse", value: 0.5, step: 1, epoch: 1 }]);
      await page.goto(`${server.url}/?experiment=e2e-live`);
      // The live page polls runs.rows: the table's fields only, not runs.list's params, tags and summaries.
      const poll = page.waitForResponse((r) => r.url().includes("runs.rows"));
      await page.locator('[data-testid="runs-table"][data-live="true"]').waitFor();
      const polled = (await (await poll).json()) as Array<{ result: { data: { json: { rows: Array<Record<string, unknown>> } } } }>;
      expect(Object.keys(polled[0].result.data.json.rows[0]).sort()).toEqual(
        ["architecture", "backend", "bestValMse", "epochs", "hiddenSize", "id", "name", "startedAt", "status"].sort(),
      );
      const row = page.locator(`[data-testid="run-row"][data-run-id="${run.id}"]`);
      const status = () => row.getByTestId("status-badge").getAttribute("data-status");
      const best = () => row.getByTestId("best-val-mse").textContent();
      expect(await status()).toBe("running");
      expect(await best()).toBe("0.5000");
      // A marker on the window survives only if the page is never reloaded or navigated.
      const url = page.url();
      await page.evaluate(() => Object.assign(window, { aelabNoReload: true }));

      await tracker.logMetrics(run.id, [{ key: "val_mse", value: 0.25, step: 2, epoch: 2 }]);
      await expect.poll(best, { timeout: 20_000, interval: 250 }).toBe("0.2500");
      expect(await status()).toBe("running");
      await tracker.logMetrics(run.id, [{ key: "best_val_mse", value: 0.2, step: 2, epoch: 2 }]);
      await tracker.endRun(run.id, { status: "finished" });
      await expect.poll(status, { timeout: 20_000, interval: 250 }).toBe("finished");
      expect(await best()).toBe("0.2000");
      await page.locator('[data-testid="runs-table"][data-live="false"]').waitFor({ timeout: 10_000 });
      expect(page.url()).toBe(url);
      expect(await page.evaluate(() => (window as unknown as { aelabNoReload?: boolean }).aelabNoReload)).toBe(true);

      // With no live run left, the page stops polling.
      const polls: string[] = [];
      const onRequest = (request: { url(): string }) => {
        if (request.url().includes("runs.rows")) polls.push(request.url());
      };
      page.on("request", onRequest);
      await page.waitForTimeout(4000);
      page.off("request", onRequest);
      expect(polls).toEqual([]);
    } finally {
      await tracker.close();
    }
  });

  it("zooms a long curve: the URL keeps the window and the server sends its finer points", async () => {
    const tracker = await createTracker({ url: db });
    const spike = 1777;
    try {
      const run = await tracker.startRun({ experimentName: "e2e-zoom", name: "long-curve", architecture: "dense", hiddenSize: 8, spec: {} });
      const loss = (step: number) => (step === spike ? 5 : 1 / (1 + step / 50));
      const points = Array.from({ length: 3000 }, (_, step) => [
        { key: "train_loss", value: loss(step), step },
        { key: "val_loss", value: loss(step) * 1.1, step },
        { key: "val_mse", value: loss(step) / 10, step },
      ]).flat();
      for (let i = 0; i < points.length; i += 3000) await tracker.logMetrics(run.id, points.slice(i, i + 3000));
      await tracker.endRun(run.id, { status: "finished" });

      // Opened zoomed from a shared URL: the window's 101 steps arrive in full (≤ 1,000 points, so nothing dropped).
      const fine = page.waitForResponse((r) => r.url().includes("metrics.curves") && decodeURIComponent(r.url()).includes('"from":1700'));
      await page.goto(`${server.url}/runs/${run.id}?from=1700&to=1800`);
      const body = (await (await fine).json()) as Array<{ result: { data: { json: Array<{ key: string; steps: number[]; values: number[] }> } } }>;
      const train = body[0].result.data.json.find((c) => c.key === "train_loss");
      expect(train?.steps).toEqual(Array.from({ length: 101 }, (_, i) => 1700 + i));
      expect(train?.values[spike - 1700]).toBe(5);
      await page.locator('[data-testid="run-curves"][data-zoom="1700-1800"][data-fine-ready="true"]').waitFor();

      // Un-zoomed, the full curve is downsampled (≤ 1,000 points) and still holds the one-step spike.
      await page.goto(`${server.url}/runs/${run.id}`);
      const curves = page.getByTestId("run-curves");
      expect(Number(await curves.getAttribute("data-points"))).toBeLessThanOrEqual(1000);
      await chartSeries('[data-testid="loss-chart"]');
      // Zooming with the mouse wheel asks the server for the window and writes it into the URL.
      const box = await page.getByTestId("loss-chart").boundingBox();
      if (!box) throw new Error("no loss chart box");
      const request = page.waitForRequest((r) => r.url().includes("metrics.curves") && decodeURIComponent(r.url()).includes('"from":'));
      await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2 - 40);
      for (let i = 0; i < 5; i++) await page.mouse.wheel(0, -300);
      await request;
      await page.locator('[data-testid="run-curves"][data-fine-ready="true"]:not([data-zoom="none"])').waitFor();
      const url = new URL(page.url());
      const [from, to] = [Number(url.searchParams.get("from")), Number(url.searchParams.get("to"))];
      expect(from).toBeGreaterThan(0);
      expect(to).toBeLessThan(2999);
      expect(to - from).toBeLessThan(2999);
      expect(await curves.getAttribute("data-zoom")).toBe(`${from}-${to}`);
    } finally {
      await tracker.close();
    }
  });

  it("overlays the selected runs' curves on the compare page, the selection kept in the URL", async () => {
    await page.goto(`${server.url}/compare?experiment=${encodeURIComponent(FIXTURE_EXPERIMENT)}`);
    expect(await page.getByTestId("overlay").count()).toBe(0);
    await Promise.all([page.waitForURL(/runs=/), page.getByTestId("overlay-best").click()]);
    const selected = (new URL(page.url()).searchParams.get("runs") ?? "").split(",");
    expect(selected.length).toBeGreaterThanOrEqual(6);
    const series = await chartSeries('[data-testid="overlay-chart"]');
    expect(series).toHaveLength(selected.length);
    expect(series).toEqual(expect.arrayContaining(["dense-h2", "conv-h32", XSS_RUN_NAME]));
    // Untick one run and submit: the overlay and the URL drop it.
    await page.locator(`input[name="runs"][value="${selected[0]}"]`).uncheck();
    await Promise.all([page.waitForURL((url) => !url.searchParams.get("runs")?.includes(selected[0])), page.getByTestId("overlay-submit").click()]);
    expect(await chartSeries('[data-testid="overlay-chart"]')).toHaveLength(selected.length - 1);
    await Promise.all([page.waitForURL(/key=val_mse/), page.getByRole("link", { name: "val_mse", exact: true }).click()]);
    expect(await page.locator('[data-testid="overlay"] h2').textContent()).toContain("val_mse");
    expect(await page.locator('img[src="x"]').count()).toBe(0);

    // A zoomed overlay from a shared URL: the server sends the window's points of each run (the zoom test's long run here).
    const tracker = await createTracker({ url: db });
    const [long] = (await tracker.listRuns({ experimentName: "e2e-zoom" })).runs;
    await tracker.close();
    const fine = page.waitForResponse((r) => r.url().includes("metrics.overlay") && decodeURIComponent(r.url()).includes('"from":1700'));
    await page.goto(`${server.url}/compare?runs=${long.id},${selected[1]}&from=1700&to=1800`);
    const body = (await (await fine).json()) as Array<{ result: { data: { json: Array<{ runId: string; steps: number[]; values: number[] }> } } }>;
    const longCurve = body[0].result.data.json.find((c) => c.runId === long.id);
    expect(longCurve?.steps).toEqual(Array.from({ length: 101 }, (_, i) => 1700 + i));
    expect(longCurve?.values[77]).toBeCloseTo(5 * 1.1, 12);
    await page.locator('[data-testid="overlay-zoom"][data-zoom="1700-1800"][data-fine-ready="true"]').waitFor();
    expect(await chartSeries('[data-testid="overlay-chart"]')).toEqual(expect.arrayContaining(["long-curve"]));
  });

  it("shows a sweep's trials in parallel coordinates, a pruned trial as pruned, and parameter importance", async () => {
    const tracker = await createTracker({ url: db });
    let sweepId: string;
    try {
      const [sweep] = await tracker.listSweeps(FIXTURE_EXPERIMENT);
      sweepId = sweep.id;
      // A pruned trial, as a pruner leaves it: a run cut short, its trial marked pruned.
      const index = (await tracker.listTrials(sweep.id)).length + 1;
      await tracker.addTrials(sweep.id, [{ index, params: { architecture: "dense", hiddenSize: 8 } }]);
      await tracker.claimTrial(sweep.id, index, { maxAttempts: 1 });
      const run = await tracker.startRun({
        experimentName: FIXTURE_EXPERIMENT,
        name: "pruned-h8",
        sweepId: sweep.id,
        trialIndex: index,
        architecture: "dense",
        hiddenSize: 8,
        spec: {},
      });
      await tracker.logMetrics(run.id, [{ key: "val_mse", value: 0.09, step: 1, epoch: 1 }]);
      await tracker.endRun(run.id, { status: "pruned" });
      await tracker.updateTrial(sweep.id, index, { status: "pruned", runId: run.id });
    } finally {
      await tracker.close();
    }
    await page.goto(`${server.url}/compare?experiment=${encodeURIComponent(FIXTURE_EXPERIMENT)}&sweep=${sweepId}`);
    expect([...(await chartSeries('[data-testid="parallel-chart"]'))].sort()).toEqual(["finished", "pruned"]);
    expect(await page.getByTestId("sweep-counts").textContent()).toContain("1 pruned");
    const params = await page.getByTestId("importance-row").evaluateAll((rows) => rows.map((row) => row.getAttribute("data-param")));
    expect([...params].sort()).toEqual(["architecture", "hiddenSize"]);
    await screenshot(page, "sweep.png");
  });

  playgroundTests(ctx);

  it("virtualises a 200-run page: the page size lives in the URL and only the rows in view are mounted", async () => {
    const tracker = await createTracker({ url: db });
    try {
      for (let i = 0; i < 200; i++) {
        const run = await tracker.startRun({
          experimentName: "e2e-many",
          name: `bulk-${String(i).padStart(3, "0")}`,
          architecture: "dense",
          hiddenSize: 8,
          spec: {},
        });
        await tracker.endRun(run.id, { status: "finished" });
      }
    } finally {
      await tracker.close();
    }
    await page.goto(`${server.url}/?experiment=e2e-many&sort=name`);
    expect(await page.getByTestId("page-info").textContent()).toBe("1–25 of 200 (page 1 of 8)");
    await Promise.all([page.waitForURL(/pageSize=200/), page.getByTestId("pagination").getByRole("link", { name: "200", exact: true }).click()]);
    expect(new URL(page.url()).searchParams.get("pageSize")).toBe("200");
    expect(await page.getByTestId("page-info").textContent()).toBe("1–200 of 200 (page 1 of 1)");
    const table = page.getByTestId("runs-table");
    expect(await table.getAttribute("data-rows")).toBe("200");
    const links = page.getByTestId("run-link");
    expect(await links.first().textContent()).toBe("bulk-000");
    const mounted = await page.getByTestId("run-row").count();
    expect(mounted).toBeGreaterThan(10);
    expect(mounted).toBeLessThan(60);

    // Scrolled to the bottom of its box, the table mounts the last rows instead of the first.
    await page.getByTestId("runs-scroll").evaluate((box) => box.scrollTo({ top: box.scrollHeight }));
    await expect.poll(() => links.last().textContent(), { timeout: 10_000 }).toBe("bulk-199");
    expect(await links.filter({ hasText: /^bulk-000$/ }).count()).toBe(0);
    expect(await page.getByTestId("run-row").count()).toBeLessThan(60);
    const names = await links.allTextContents();
    expect(names).toEqual(Array.from({ length: names.length }, (_, i) => `bulk-${String(200 - names.length + i).padStart(3, "0")}`));
  });

  it("raised no errors in the browser and made no request outside the app", () => {
    expect(e2e.browserErrors).toEqual([]);
    expect(e2e.externalRequests).toEqual([]);
  });

  it("maps errors to HTTP statuses on the tRPC route", async () => {
    const query = (input: unknown) => `${server.url}/api/trpc/runs.get?input=${encodeURIComponent(JSON.stringify({ json: input }))}`;
    const missing = await fetch(query({ id: "no-such-run" }));
    expect(missing.status).toBe(404);
    const bad = await fetch(query({ id: "" }));
    expect(bad.status).toBe(400);
    const body = (await bad.json()) as { error: { json: { data: { code: string; zodIssues: unknown[] } } } };
    expect(body.error.json.data.code).toBe("BAD_REQUEST");
    expect(body.error.json.data.zodIssues.length).toBeGreaterThan(0);
    const notFoundPage = await fetch(`${server.url}/runs/no-such-run`);
    expect(notFoundPage.status).toBe(404);
  });
});
