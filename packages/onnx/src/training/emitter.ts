/**
 * Why this file exists: the training graphs are written op by op, and most
 * ops are elementwise arithmetic with float32 scalar constants. The emitter
 * wraps the exporter's `GraphBuilder` with one-line op helpers, caches scalar
 * and int64 constants, and keeps the batch size (a dynamic dimension) as a
 * graph value computed once.
 */
import { GraphBuilder, attr, type AttrValue } from "../internal/graph-builder.ts";
import { AttributeType, DataType, type AttributeInit } from "../internal/onnx-types.ts";

/**
 * A tensor of the training graph. `shape` is one sample's logical shape,
 * channels last, as core describes it; rank-3 samples are stored NCHW in the
 * graph (Conv, ConvTranspose and MaxPool only exist in NCHW), other ranks in
 * row-major order.
 */
export interface GraphTensor {
  name: string;
  shape: number[];
}

function toAttribute(name: string, v: AttrValue): AttributeInit {
  switch (v.kind) {
    case "int":
      return { name, type: AttributeType.INT, i: v.value };
    case "float":
      return { name, type: AttributeType.FLOAT, f: v.value };
    case "string":
      return { name, type: AttributeType.STRING, s: new TextEncoder().encode(v.value) };
    case "ints":
      return { name, type: AttributeType.INTS, ints: v.value };
    default: {
      const unknown: never = v;
      return unknown;
    }
  }
}

export class Emitter {
  readonly g = new GraphBuilder();
  private readonly floats = new Map<number, string>();
  private readonly int64s = new Map<string, string>();
  private batchValues?: { count: string; inverse: string };
  /** Values renamed to the graph output they were bound to (see `output`). */
  private readonly renamed = new Map<string, string>();

  /**
   * @param batchInput the graph input whose first dimension is the batch size.
   */
  constructor(private readonly batchInput: string) {
    this.g.reserve(batchInput);
  }

  /** A float32 scalar constant, shared by every use of the same value. */
  scalar(value: number): string {
    const key = Math.fround(value);
    let name = this.floats.get(key);
    if (!name) {
      name = this.g.floatInitializer("c", [], [key]);
      this.floats.set(key, name);
    }
    return name;
  }

  /** A 1-D int64 constant (shapes, axes, slice bounds). */
  ints(values: number[]): string {
    const key = values.join(",");
    let name = this.int64s.get(key);
    if (!name) {
      name = this.g.int64Initializer("i", values);
      this.int64s.set(key, name);
    }
    return name;
  }

  /** A node with one output; returns the output's name. */
  op(type: string, inputs: string[], attributes: Record<string, AttrValue> = {}, base = type): string {
    return this.g.node(type, this.current(inputs), attributes, base);
  }

  /** A node with several outputs (MaxPool with Indices). */
  opMulti(type: string, inputs: string[], outputs: number, attributes: Record<string, AttrValue>, base: string): string[] {
    const names = Array.from({ length: outputs }, (_, i) => this.g.unique(`${base}_${i}`));
    this.g.nodes.push({
      name: this.g.unique(`${base}_node`),
      op_type: type,
      domain: "",
      input: this.current(inputs),
      output: names,
      attribute: Object.entries(attributes).map(([k, v]) => toAttribute(k, v)),
    });
    return names;
  }

  add(a: string, b: string, base = "add"): string {
    return this.op("Add", [a, b], {}, base);
  }
  sub(a: string, b: string, base = "sub"): string {
    return this.op("Sub", [a, b], {}, base);
  }
  mul(a: string, b: string, base = "mul"): string {
    return this.op("Mul", [a, b], {}, base);
  }
  div(a: string, b: string, base = "div"): string {
    return this.op("Div", [a, b], {}, base);
  }
  /** `x · c` for a float constant `c`. */
  scale(x: string, c: number, base = "scale"): string {
    return c === 1 ? x : this.mul(x, this.scalar(c), base);
  }

  /** Σ over `axes`, dropping them. */
  reduceSum(x: string, axes: number[], base = "sum", keepdims = false): string {
    return this.op("ReduceSum", [x, this.ints(axes)], { keepdims: attr.int(keepdims ? 1 : 0) }, base);
  }

  /** Σ over every element: a scalar. */
  sumAll(x: string, base = "sum_all"): string {
    return this.op("ReduceSum", [x], { keepdims: attr.int(0) }, base);
  }

  reshape(x: string, shape: number[], base = "reshape"): string {
    return this.op("Reshape", [x, this.ints(shape)], {}, base);
  }

  transpose(x: string, perm: number[], base = "transpose"): string {
    return this.op("Transpose", [x], { perm: attr.ints(perm) }, base);
  }

  /** The batch size as a float32 scalar and its reciprocal, computed once from the batch input's shape. */
  batch(): { count: string; inverse: string } {
    if (!this.batchValues) {
      const shape = this.op("Shape", [this.batchInput], { start: attr.int(0), end: attr.int(1) }, "batch_shape");
      const count = this.op("Cast", [this.op("Squeeze", [shape, this.ints([0])], {}, "batch_size")], { to: attr.int(DataType.FLOAT) }, "batch_count");
      this.batchValues = { count, inverse: this.op("Reciprocal", [count], {}, "inv_batch") };
    }
    return this.batchValues;
  }

  /**
   * Makes `value` a graph output named `name`. A value computed here is renamed
   * to `name` everywhere, even where other nodes read it (the optimiser's new
   * moments feed the parameter update too): an Identity to a separate output
   * would copy the tensor on every step.
   */
  output(value: string, name: string, graphInputs: readonly string[]): void {
    const producer = this.g.nodes.find((n) => n.output.includes(value));
    if (!producer || graphInputs.includes(value)) {
      // A graph input, an initializer, or a value already bound to another output: copied through an Identity.
      this.g.bindOutput({ name: this.current([value])[0], shape: [], physical: "flat" }, name, [...graphInputs, ...this.renamed.values()]);
      return;
    }
    for (const n of this.g.nodes) {
      n.output = n.output.map((o) => (o === value ? name : o));
      n.input = n.input.map((i) => (i === value ? name : i));
    }
    this.renamed.set(value, name);
  }

  private current(names: string[]): string[] {
    return names.map((n) => this.renamed.get(n) ?? n);
  }
}

/** A rank-3 batch stored channels-last ([N,h,w,c]) → channels-first, as a free Reshape when c or h·w is 1. */
export function nhwcToNchw(e: Emitter, x: string, [h, w, c]: number[], base: string): string {
  return c === 1 || h * w === 1 ? e.reshape(x, [0, c, h, w], `${base}_nchw`) : e.transpose(x, [0, 3, 1, 2], `${base}_nchw`);
}

/** A rank-3 batch stored channels-first → channels-last, as a free Reshape when c or h·w is 1. */
export function nchwToNhwc(e: Emitter, x: string, [h, w, c]: number[], base: string): string {
  return c === 1 || h * w === 1 ? e.reshape(x, [0, h, w, c], `${base}_nhwc`) : e.transpose(x, [0, 2, 3, 1], `${base}_nhwc`);
}
