/**
 * Next config for the aelab dashboard.
 * Workspace packages ship TypeScript source, so Next transpiles them; Turbopack
 * is rooted at the monorepo so it resolves the hoisted node_modules.
 */
import type { NextConfig } from "next";
import { fileURLToPath } from "node:url";
import { copyOrtWasm } from "./scripts/copy-ort-wasm.mjs";

const monorepoRoot = fileURLToPath(new URL("../..", import.meta.url));

// The playground's onnxruntime-web runtime, served from public/ort/ (also for `next build` / `next start` run directly).
copyOrtWasm(fileURLToPath(new URL(".", import.meta.url)));

const config: NextConfig = {
  transpilePackages: ["@aelab/core", "@aelab/tracking", "@aelab/onnx", "@aelab/backend-onnxruntime"],
  turbopack: {
    root: monorepoRoot,
    // The playground runs on the wasm execution provider only: in the browser, load onnxruntime-web's
    // wasm-only build (ort-wasm-simd-threaded.wasm, 14 MB) instead of the default one, which also bundles
    // WebGPU/JSEP and fetches the 28 MB ort-wasm-simd-threaded.jsep.wasm.
    resolveAlias: { "onnxruntime-web": { browser: "onnxruntime-web/wasm" } },
  },
  outputFileTracingRoot: monorepoRoot,
  poweredByHeader: false,
  reactStrictMode: true,
  // Next 16.5 would otherwise write AGENTS.md into the app folder on `next dev`.
  agentRules: false,
  experimental: { agentUpgrade: false },
};

export default config;
