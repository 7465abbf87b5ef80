/** Types of copy-ort-wasm.mjs (imported by next.config.ts). */
export declare const ORT_FILES: string[];
export declare function copyOrtWasm(appDir: string): string[];
