/**
 * Generates src/internal/onnx-schema.ts from the vendored proto/onnx.proto, so
 * the exporter loads its protobuf schema as a static module (Node and browser)
 * and never parses .proto files or touches the filesystem at run time.
 *
 * Run: npx tsx scripts/generate-onnx-schema.ts (from packages/onnx).
 * `src/onnx-schema.test.ts` fails when the generated file is stale.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { renderOnnxSchemaModule } from "./render-onnx-schema.ts";

const protoPath = fileURLToPath(new URL("../proto/onnx.proto", import.meta.url));
const outPath = fileURLToPath(new URL("../src/internal/onnx-schema.ts", import.meta.url));
writeFileSync(outPath, renderOnnxSchemaModule(readFileSync(protoPath, "utf8")));
