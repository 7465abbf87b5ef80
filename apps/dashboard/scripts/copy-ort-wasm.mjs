/**
 * Copies onnxruntime-web's wasm runtime (ort-wasm-simd-threaded.{wasm,mjs})
 * into public/ort/, where the playground loads it from (`env.wasm.wasmPaths =
 * "/ort/"`), so it does not depend on how the bundler handles wasm. Run before
 * `next dev` and `next build` (predev/prebuild), and by next.config.ts, so a
 * `next build` or `next start` called directly (as `aelab dashboard` does)
 * finds the files too. Idempotent: a file already identical is left alone.
 */
import { copyFileSync, existsSync, mkdirSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const ORT_FILES = ["ort-wasm-simd-threaded.wasm", "ort-wasm-simd-threaded.mjs"];

/** Copies the files into `<appDir>/public/ort`; returns the names copied (empty when up to date). */
export function copyOrtWasm(appDir) {
  const require = createRequire(path.join(appDir, "package.json"));
  const target = path.join(appDir, "public", "ort");
  mkdirSync(target, { recursive: true });
  const copied = [];
  for (const name of ORT_FILES) {
    // Each file is an exported subpath of onnxruntime-web (its package.json is not).
    const from = require.resolve(`onnxruntime-web/${name}`);
    const to = path.join(target, name);
    if (existsSync(to) && statSync(to).size === statSync(from).size && statSync(to).mtimeMs >= statSync(from).mtimeMs) continue;
    copyFileSync(from, to);
    copied.push(name);
  }
  return copied;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const copied = copyOrtWasm(path.resolve(path.dirname(fileURLToPath(import.meta.url)), ".."));
  console.log(copied.length ? `copied ${copied.join(", ")} to public/ort/` : "public/ort/ is up to date");
}
