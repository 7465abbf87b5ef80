/**
 * The browser playground in headless Chromium: the run's exported encoder and
 * decoder run in onnxruntime-web; a stroke drawn with the mouse must come back
 * as a reconstruction that looks like it, and the code shown must be what
 * onnxruntime-node computes from the same 28×28 input.
 */
import { readFileSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { loadOnnxModel } from "@aelab/backend-onnxruntime";
import { createTracker } from "@aelab/tracking";
import { describe, expect, it } from "vitest";
import { float32FromBase64 } from "~/lib/float32-base64";
import { toMnistInput } from "~/lib/mnist-downsample";
import { meanSquaredError } from "~/lib/playground-math";
import type { E2E } from "./harness";
import { screenshot } from "./harness";

interface PlaygroundState {
  source: "stroke" | "stroke-end" | "digit";
  digit: number | null;
  inputShape: number[];
  pixels: number[];
  input: number[];
  code: number[];
  reconstruction: number[];
  reconstructionPixels: number[];
}

const maxAbsDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst;
};

async function waitForState(page: E2E["page"], source: PlaygroundState["source"]): Promise<PlaygroundState> {
  const handle = await page.waitForFunction(
    (wanted) => {
      const text = document.querySelector('[data-testid="playground-state"]')?.textContent ?? "";
      return text !== "" && (JSON.parse(text) as { source: string }).source === wanted ? text : null;
    },
    source,
    { timeout: 20_000 },
  );
  return JSON.parse((await handle.jsonValue()) as string) as PlaygroundState;
}

/** A "7": a bar across the top, then a diagonal down to the left, as one mouse stroke. */
async function drawSeven(page: E2E["page"]): Promise<void> {
  const pad = (await page.getByTestId("drawing-pad").boundingBox())!;
  const at = (x: number, y: number) => page.mouse.move(pad.x + (x * pad.width) / 280, pad.y + (y * pad.height) / 280);
  await at(90, 60);
  await page.mouse.down();
  for (let i = 1; i <= 20; i++) await at(90 + i * 5, 60);
  for (let i = 1; i <= 30; i++) await at(190 - i * 2.5, 60 + i * 6.5);
  await page.mouse.up();
}

async function artifactPath(db: string, runId: string, kind: string): Promise<string> {
  const tracker = await createTracker({ url: db });
  try {
    const artifact = (await tracker.listArtifacts(runId)).filter((a) => a.kind === kind).at(-1);
    if (!artifact) throw new Error(`run ${runId} has no ${kind} artifact`);
    return artifact.path;
  } finally {
    await tracker.close();
  }
}

export function playgroundTests(e2e: () => E2E): void {
  describe("playground", () => {
    it("serves onnxruntime-web's wasm from the app", async () => {
      const response = await fetch(`${e2e().server.url}/ort/ort-wasm-simd-threaded.wasm`);
      expect(response.status).toBe(200);
      expect(response.headers.get("content-type")).toBe("application/wasm");
      const bytes = new Uint8Array(await response.arrayBuffer());
      expect(bytes.length).toBe(statSync(createRequire(import.meta.url).resolve("onnxruntime-web/ort-wasm-simd-threaded.wasm")).size);
      expect(Array.from(bytes.slice(0, 4))).toEqual([0x00, 0x61, 0x73, 0x6d]);
    });

    it("reconstructs a drawn stroke in the browser, with the code onnxruntime-node computes", async () => {
      const { page, server, db, fixture } = e2e();
      // From the exported run's page, as a user would.
      await page.goto(`${server.url}/runs/${fixture.exportedRunId}`);
      await Promise.all([page.waitForURL(/\/playground\?run=/), page.getByTestId("playground-link").click()]);
      await page.locator('[data-testid="playground"][data-status="ready"]').waitFor({ timeout: 60_000 });
      await drawSeven(page);
      const state = await waitForState(page, "stroke-end");

      // The input is the MNIST-style downsampling of what is on the pad.
      const pad = await page.evaluate(() => {
        const canvas = document.querySelector<HTMLCanvasElement>('[data-testid="drawing-pad"]')!;
        return Array.from(
          canvas
            .getContext("2d")!
            .getImageData(0, 0, canvas.width, canvas.height)
            .data.filter((_, i) => i % 4 === 0),
        );
      });
      const expectedPixels = toMnistInput({ width: 280, height: 280, data: Float32Array.from(pad, (v) => v / 255) });
      expect(maxAbsDiff(state.pixels, expectedPixels)).toBeLessThan(1e-6);
      expect(state.pixels.filter((v) => v > 0.5).length).toBeGreaterThan(40);

      // A reconstruction appears, is not blank, and resembles the stroke more than a blank image does.
      const drawn = await page.evaluate(() => {
        const canvas = document.querySelector<HTMLCanvasElement>('[data-testid="playground-reconstruction"]')!;
        return Array.from(
          canvas
            .getContext("2d")!
            .getImageData(0, 0, 28, 28)
            .data.filter((_, i) => i % 4 === 0),
        );
      });
      expect(
        maxAbsDiff(
          drawn,
          state.reconstructionPixels.map((v) => Math.round(255 * v)),
        ),
      ).toBeLessThanOrEqual(1);
      expect(Math.max(...state.reconstructionPixels)).toBeGreaterThan(0.3);
      const toInput = meanSquaredError(state.reconstructionPixels, state.pixels);
      expect(toInput).toBeLessThan(meanSquaredError(state.reconstructionPixels, null));
      expect(toInput).toBeLessThan(meanSquaredError(state.pixels, null));

      // The same 28×28 input through onnxruntime-node: the code shown and the reconstruction agree within 1e-4.
      const encoder = await loadOnnxModel(await artifactPath(db, fixture.exportedRunId, "onnx-encoder"));
      const decoder = await loadOnnxModel(await artifactPath(db, fixture.exportedRunId, "onnx-decoder"));
      try {
        const code = await encoder.run({ data: Float32Array.from(state.input), shape: [1, ...state.inputShape] });
        const shown = JSON.parse((await page.getByTestId("code-bars").getAttribute("data-code")) ?? "[]") as number[];
        expect(shown.length).toBe(code.data.length);
        expect(maxAbsDiff(shown, code.data)).toBeLessThan(1e-4);
        expect(maxAbsDiff(state.code, code.data)).toBeLessThan(1e-4);
        const reconstruction = await decoder.run(code);
        expect(maxAbsDiff(state.reconstruction, reconstruction.data)).toBeLessThan(1e-4);
      } finally {
        await encoder.dispose();
        await decoder.dispose();
      }
      await page.getByTestId("code-scatter").locator("svg").waitFor();
      await screenshot(page, "playground.png");
    });

    it("starts from a validation digit, kept in the URL", async () => {
      const { page, server, db, fixture } = e2e();
      const choice = page.getByTestId("digit-choice").nth(3);
      const index = Number(await choice.getAttribute("data-index"));
      await choice.click();
      const state = await waitForState(page, "digit");
      expect(state.digit).toBe(index);
      await page.waitForURL(new RegExp(`digit=${index}`));
      // Exactly the stored validation input, the 4th of the evaluation samples.
      const evaluation = JSON.parse(readFileSync(await artifactPath(db, fixture.exportedRunId, "evaluation"), "utf8")) as {
        samples: { index: number[]; input: string };
      };
      const row = evaluation.samples.index.indexOf(index);
      expect(row).toBe(3);
      const stored = float32FromBase64(evaluation.samples.input).slice(row * 784, (row + 1) * 784);
      expect(maxAbsDiff(state.input, stored)).toBe(0);
      // A real digit reconstructs far better than a blank guess.
      expect(meanSquaredError(state.reconstructionPixels, state.pixels)).toBeLessThan(0.5 * meanSquaredError(state.pixels, null));
      // The URL restores it.
      await page.reload();
      expect((await waitForState(page, "digit")).digit).toBe(index);
      await page.getByTestId("clear-pad").click();
      await page.locator('[data-testid="playground-reconstruction"][data-empty="true"]').waitFor();
      await page.waitForURL((url) => !url.searchParams.has("digit"));
    });

    it("says how to export a run that has no ONNX files", async () => {
      const { page, server, db, fixture } = e2e();
      const tracker = await createTracker({ url: db });
      const other = (await tracker.listRuns({ limit: 100 })).runs.find((run) => run.id !== fixture.exportedRunId)!;
      await tracker.close();
      await page.goto(`${server.url}/playground?run=${other.id}`);
      await page.getByTestId("playground-no-export").waitFor();
      expect(await page.getByTestId("export-command").textContent()).toBe(`aelab export ${other.id} --part encoder,decoder`);
      expect(await page.getByTestId("drawing-pad").count()).toBe(0);
      expect((await fetch(`${server.url}/playground?run=no-such-run`)).status).toBe(404);
    });
  });
}
