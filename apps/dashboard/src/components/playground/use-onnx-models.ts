"use client";
/**
 * Loads a run's exported encoder and decoder in the browser with
 * onnxruntime-web (wasm, 1 thread; the wasm files are served by the app from
 * /ort/, copied there from onnxruntime-web/dist by scripts/copy-ort-wasm.mjs).
 * The bytes come from the artifact route, so only files the tracker recorded
 * are ever fetched; the models' metadata (input shape, scaling) is read from
 * the files themselves by @aelab/onnx's pure-TypeScript reader.
 */
import type { OnnxFileHandler } from "@aelab/backend-onnxruntime/web";
import { useEffect, useState } from "react";

export const ORT_WASM_PATH = "/ort/";

export type OnnxModels =
  { status: "loading" } | { status: "error"; message: string } | { status: "ready"; encoder: OnnxFileHandler; decoder: OnnxFileHandler; loadMs: number };

async function fetchBytes(href: string, what: string): Promise<Uint8Array> {
  const response = await fetch(href);
  if (!response.ok) {
    const body = (await response.json().catch(() => null)) as { error?: string } | null;
    throw new Error(`Could not download the ${what} (HTTP ${response.status}): ${body?.error ?? response.statusText}`);
  }
  return new Uint8Array(await response.arrayBuffer());
}

export function useOnnxModels(encoderHref: string, decoderHref: string): OnnxModels {
  const [state, setState] = useState<OnnxModels>({ status: "loading" });
  useEffect(() => {
    let cancelled = false;
    const opened: OnnxFileHandler[] = [];
    const started = performance.now();
    setState({ status: "loading" });
    void (async () => {
      try {
        const [{ loadOnnxModel }, encoderBytes, decoderBytes] = await Promise.all([
          import("@aelab/backend-onnxruntime/web"),
          fetchBytes(encoderHref, "encoder"),
          fetchBytes(decoderHref, "decoder"),
        ]);
        const options = { wasmPaths: ORT_WASM_PATH, threads: 1 };
        const encoder = await loadOnnxModel(encoderBytes, options);
        opened.push(encoder);
        const decoder = await loadOnnxModel(decoderBytes, options);
        opened.push(decoder);
        // Unmounted while loading: the cleanup already ran, so release what was opened since.
        if (cancelled) for (const model of opened) void model.dispose();
        else setState({ status: "ready", encoder, decoder, loadMs: performance.now() - started });
      } catch (error) {
        if (!cancelled) setState({ status: "error", message: error instanceof Error ? error.message : String(error) });
      }
    })();
    return () => {
      cancelled = true;
      for (const model of opened) void model.dispose();
    };
  }, [encoderHref, decoderHref]);
  return state;
}
