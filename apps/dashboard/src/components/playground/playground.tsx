"use client";
/**
 * The browser playground: draw a digit (or start from a validation digit),
 * see what the model sees (the MNIST-style 28×28 input), its code and its
 * reconstruction, all computed in this tab by onnxruntime-web on the run's
 * exported encoder and decoder. The last input and outputs are mirrored into a
 * hidden <pre data-testid="playground-state"> for the browser test.
 */
import type { InputScaling } from "@aelab/core";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { float32FromBase64 } from "~/lib/float32-base64";
import { formatMetric } from "~/lib/format";
import { toMnistInput, type GrayImage } from "~/lib/mnist-downsample";
import { PIXELS, drawableInputProblem, meanSquaredError, toDisplaySpace, toModelSpace } from "~/lib/playground-math";
import { CodeBars, CodeScatter, type CodeCloud } from "./code-charts";
import { DigitImage } from "./digit-image";
import { DrawingPad, type DrawingPadHandle } from "./drawing-pad";
import { useOnnxModels } from "./use-onnx-models";

export interface PlaygroundSamples {
  index: number[];
  label: Array<number | null>;
  /** Model-space inputs, base64 float32, one 784-value image after another. */
  input: string;
  scaling: InputScaling;
  classNames: string[] | null;
}

export interface PlaygroundProps {
  runId: string;
  encoderHref: string;
  decoderHref: string;
  samples: PlaygroundSamples | null;
  codes: CodeCloud | null;
  /** Validation index to start from (the `digit` URL parameter). */
  initialDigit: number | null;
}

/** What produced an input: a stroke still being drawn, a finished stroke, or a picked validation digit. */
type Source = "stroke" | "stroke-end" | "digit";

interface Job {
  pixels: Float32Array;
  input: Float32Array;
  source: Source;
}

interface Outcome {
  source: Source;
  /** What was drawn, as displayable intensities (the 28×28 MNIST-style image). */
  pixels: Float32Array;
  /** What the encoder was given (model space). */
  input: Float32Array;
  code: Float32Array;
  reconstruction: Float32Array;
  reconstructionPixels: Float32Array;
  ms: number;
}

export function Playground({ runId, encoderHref, decoderHref, samples, codes, initialDigit }: PlaygroundProps) {
  const models = useOnnxModels(encoderHref, decoderHref);
  const pad = useRef<DrawingPadHandle>(null);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const [runs, setRuns] = useState(0);
  const [failure, setFailure] = useState<string | null>(null);
  const [digit, setDigit] = useState<number | null>(null);
  const busy = useRef(false);
  const queued = useRef<Job | null>(null);
  const router = useRouter();
  const pathname = usePathname();
  const search = useSearchParams();

  const ready = models.status === "ready" ? models : null;
  const inputShape = ready?.encoder.inputShape ?? null;
  const scaling: InputScaling = ready?.encoder.metadata?.inputScaling ?? "unit";
  const problem = inputShape ? drawableInputProblem(inputShape) : null;

  const digits = useMemo(() => {
    if (!samples) return [];
    const all = float32FromBase64(samples.input);
    return samples.index.map((index, i) => {
      const input = all.slice(i * PIXELS, (i + 1) * PIXELS);
      return { index, label: samples.label[i], input, pixels: toDisplaySpace(input, samples.scaling) };
    });
  }, [samples]);

  const infer = useCallback(
    async (next: Job) => {
      if (!ready || !inputShape) return;
      if (busy.current) {
        queued.current = next;
        return;
      }
      busy.current = true;
      try {
        let job: Job | null = next;
        while (job) {
          const started = performance.now();
          const code = await ready.encoder.run({ data: job.input, shape: [1, ...inputShape] });
          const reconstruction = await ready.decoder.run(code);
          setOutcome({
            source: job.source,
            pixels: job.pixels,
            input: job.input,
            code: code.data,
            reconstruction: reconstruction.data,
            reconstructionPixels: toDisplaySpace(reconstruction.data, scaling),
            ms: performance.now() - started,
          });
          setRuns((n) => n + 1);
          setFailure(null);
          // A stroke drawn while this ran: run its latest state next.
          job = queued.current;
          queued.current = null;
        }
      } catch (error) {
        setFailure(error instanceof Error ? error.message : String(error));
      } finally {
        busy.current = false;
      }
    },
    [ready, inputShape, scaling],
  );

  const onDraw = useCallback(
    (image: GrayImage, strokeEnded: boolean) => {
      const pixels = toMnistInput(image);
      void infer({ pixels, input: toModelSpace(pixels, scaling), source: strokeEnded ? "stroke-end" : "stroke" });
    },
    [infer, scaling],
  );

  const setDigitParam = useCallback(
    (index: number | null) => {
      const params = new URLSearchParams(search.toString());
      if (index === null) params.delete("digit");
      else params.set("digit", String(index));
      router.replace(`${pathname}?${params.toString()}`, { scroll: false });
    },
    [pathname, router, search],
  );

  const pick = useCallback(
    (index: number, updateUrl: boolean) => {
      const chosen = digits.find((d) => d.index === index);
      if (!chosen) return;
      pad.current?.paint(chosen.pixels);
      setDigit(index);
      if (updateUrl) setDigitParam(index);
      void infer({ pixels: chosen.pixels, input: chosen.input, source: "digit" });
    },
    [digits, infer, setDigitParam],
  );

  const started = useRef(false);
  useEffect(() => {
    if (!ready || problem || started.current) return;
    started.current = true;
    if (initialDigit !== null) pick(initialDigit, false);
  }, [ready, problem, initialDigit, pick]);

  const clear = () => {
    pad.current?.clear();
    setOutcome(null);
    setDigit(null);
    setDigitParam(null);
  };

  const status = models.status === "error" || problem ? "error" : models.status;
  const message = models.status === "error" ? models.message : problem;
  const mseInput = outcome ? meanSquaredError(outcome.reconstructionPixels, outcome.pixels) : null;
  const mseBlank = outcome ? meanSquaredError(outcome.reconstructionPixels, null) : null;

  return (
    <div className="playground" data-testid="playground" data-status={status} data-inferences={runs}>
      {status === "loading" ? <p className="muted">Loading the encoder and decoder in onnxruntime-web…</p> : null}
      {message ? (
        <p className="error-box" data-testid="playground-error">
          {message}
        </p>
      ) : null}
      {failure ? <p className="error-box">Inference failed: {failure}</p> : null}
      {ready ? (
        <p className="muted" data-testid="playground-info">
          Running in this tab: onnxruntime-web (wasm, 1 thread), loaded in {Math.round(ready.loadMs)} ms. Input [{ready.encoder.inputShape.join(", ")}], scaling{" "}
          {typeof scaling === "string" ? scaling : "standardize"}, code of {ready.encoder.info.outputs[0]?.shape.slice(1).join("×") || "?"}.
        </p>
      ) : null}
      <div className="playground-grid">
        <section>
          <h2>Draw</h2>
          <DrawingPad ref={pad} onDraw={onDraw} />
          <div className="actions">
            <button type="button" onClick={clear} data-testid="clear-pad">
              Clear
            </button>
          </div>
          {digits.length > 0 ? (
            <>
              <h3>Or start from a validation digit</h3>
              <div className="digit-picker" data-testid="digit-picker">
                {digits.map((d) => (
                  <button
                    type="button"
                    key={d.index}
                    className={d.index === digit ? "selected" : undefined}
                    onClick={() => pick(d.index, true)}
                    title={`Validation sample ${d.index}${d.label === null ? "" : `, label ${samples?.classNames?.[d.label] ?? d.label}`}`}
                    data-testid="digit-choice"
                    data-index={d.index}
                  >
                    <DigitImage pixels={d.pixels} size={42} label={`Validation digit ${d.index}`} />
                  </button>
                ))}
              </div>
            </>
          ) : (
            <p className="muted">This run has no stored validation digits (no evaluation artifact).</p>
          )}
        </section>
        <section>
          <h2>Model input and reconstruction</h2>
          <div className="pair">
            <figure>
              <DigitImage pixels={outcome?.pixels ?? null} label="The 28×28 input the model sees" testId="playground-input" size={140} />
              <figcaption>Input (28×28, boxed to 20 px, centred by mass)</figcaption>
            </figure>
            <figure>
              <DigitImage pixels={outcome?.reconstructionPixels ?? null} label="The model's reconstruction" testId="playground-reconstruction" size={140} />
              <figcaption>Reconstruction</figcaption>
            </figure>
          </div>
          {outcome ? (
            <dl className="facts" data-testid="playground-figures">
              <dt>MSE to the input</dt>
              <dd>{formatMetric(mseInput)}</dd>
              <dt>MSE to a blank image</dt>
              <dd>{formatMetric(mseBlank)}</dd>
              <dt>Encode + decode</dt>
              <dd>{outcome.ms.toFixed(1)} ms</dd>
            </dl>
          ) : (
            <p className="muted">Draw a digit to see its reconstruction.</p>
          )}
        </section>
        <section>
          <h2>Code</h2>
          <CodeBars code={outcome?.code ?? null} />
          {codes ? <CodeScatter cloud={codes} code={outcome?.code ?? null} classNames={samples?.classNames ?? null} /> : null}
        </section>
      </div>
      <pre hidden data-testid="playground-state" data-run-id={runId}>
        {outcome
          ? JSON.stringify({
              source: outcome.source,
              digit,
              inputShape,
              pixels: Array.from(outcome.pixels),
              input: Array.from(outcome.input),
              code: Array.from(outcome.code),
              reconstruction: Array.from(outcome.reconstruction),
              reconstructionPixels: Array.from(outcome.reconstructionPixels),
            })
          : ""}
      </pre>
    </div>
  );
}
