import { readFileSync } from "node:fs";
import { expect, it } from "vitest";
import { renderOnnxSchemaModule } from "../scripts/render-onnx-schema.ts";

it("src/internal/onnx-schema.ts is up to date with proto/onnx.proto (run scripts/generate-onnx-schema.ts)", () => {
  const proto = readFileSync(new URL("../proto/onnx.proto", import.meta.url), "utf8");
  const generated = readFileSync(new URL("./internal/onnx-schema.ts", import.meta.url), "utf8");
  expect(generated).toBe(renderOnnxSchemaModule(proto));
});
