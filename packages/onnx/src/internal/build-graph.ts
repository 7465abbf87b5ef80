/**
 * Turns the layers of one part of a spec into an ONNX graph with a dynamic
 * batch axis, exposing channels-last or channels-first I/O as asked.
 */
import { AelabError, ErrorCode, weightsMap, type NamedTensor, type NeutralWeights, type ShapeReport } from "@aelab/core";
import type { OnnxLayout, OnnxPart } from "../compatibility.ts";
import { ONNX_IO_NAMES, ONNX_LOGVAR_OUTPUT } from "../metadata.ts";
import { emitLayer, emitLogVarHead } from "./emit-layers.ts";
import { GraphBuilder, type Value } from "./graph-builder.ts";
import { DataType, type GraphInit, type ValueInfoInit } from "./onnx-types.ts";

export interface BuildGraphOptions {
  name: string;
  shapes: ShapeReport;
  weights: NeutralWeights;
  part: OnnxPart;
  layout: OnnxLayout;
}

export interface BuiltGraph {
  graph: GraphInit;
  /** One sample's I/O shapes as the model exposes them. */
  inputShape: number[];
  outputShape: number[];
}

/** A sample shape as the model exposes it: [c, h, w] for rank-3 samples in "nchw". */
export function exposedShape(shape: readonly number[], layout: OnnxLayout): number[] {
  return shape.length === 3 && layout === "nchw" ? [shape[2], shape[0], shape[1]] : [...shape];
}

function valueInfo(name: string, shape: number[]): ValueInfoInit {
  return {
    name,
    type: { tensor_type: { elem_type: DataType.FLOAT, shape: { dim: [{ dim_param: "batch" }, ...shape.map((d) => ({ dim_value: d }))] } } },
  };
}

export function buildGraph(options: BuildGraphOptions): BuiltGraph {
  const { shapes, part, layout } = options;
  const names = ONNX_IO_NAMES[part];
  const params = weightsMap(options.weights);
  const param = (name: string): NamedTensor => {
    const t = params.get(name);
    if (!t) throw new AelabError(ErrorCode.InvalidInput, `Weights are missing parameter ${name}. Received: ${[...params.keys()].join(", ")}`);
    return t;
  };
  const g = new GraphBuilder();
  g.reserve(names.input);
  g.reserve(names.output);
  g.reserve(ONNX_LOGVAR_OUTPUT);
  const inShape = part === "decoder" ? shapes.codeShape : shapes.inputShape;
  let v: Value = { name: names.input, shape: inShape, physical: inShape.length === 3 ? layout : "flat" };
  let logvar: Value | undefined;
  for (const info of shapes.layers) {
    if (part !== "full" && info.part !== part) continue;
    const headInput = v;
    v = emitLayer(g, v, info, param);
    // Only the encoder exposes the log-variance; the full model decodes the mean and needs no second head.
    if (part === "encoder" && info.id === shapes.variationalLayer) logvar = emitLogVarHead(g, headInput, info, param);
  }
  v = g.toLayout(v, layout, "output");
  g.bindOutput(v, names.output, [names.input]);
  if (logvar) g.bindOutput(logvar, ONNX_LOGVAR_OUTPUT, [names.input]);
  const inputShape = exposedShape(inShape, layout);
  const outputShape = exposedShape(v.shape, layout);
  return {
    graph: {
      name: `${options.name}.${part}`,
      node: g.nodes,
      initializer: g.initializers,
      input: [valueInfo(names.input, inputShape)],
      output: [valueInfo(names.output, outputShape), ...(logvar ? [valueInfo(ONNX_LOGVAR_OUTPUT, exposedShape(logvar.shape, layout))] : [])],
    },
    inputShape,
    outputShape,
  };
}
